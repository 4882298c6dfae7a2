/// An HTTPS Git source `https://[user[:pass]@]host/repo[.git][//subdir][@ref]` (SPEC §3.1).
struct GitSource: Equatable, Sendable {
    /// The remote URL without userinfo, subdir or ref.
    var remote: String
    var username: String?
    var password: String?
    /// Service root inside the repository ("." when absent).
    var subdir: String
    /// nil means `latest` (highest vX.Y.Z tag, else the default branch).
    var ref: String?

    init(parsing source: String) throws(ImportError) {
        let display = RedactedURL.redact(source)
        if source.contains("?") || source.contains("#") {
            throw ImportError("invalid Git source \"\(display)\": query strings and fragments are not allowed")
        }
        guard source.lowercased().hasPrefix("https://") else {
            throw ImportError("unsupported Git source \"\(display)\": only https:// Git remotes are supported")
        }
        var rest = String(source.dropFirst("https://".count))
        // Userinfo: up to the last '@' before the first '/'.
        let hostEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        if let at = rest[..<hostEnd].lastIndex(of: "@") {
            let userinfo = rest[..<at]
            if let colon = userinfo.firstIndex(of: ":") {
                username = PercentDecoding.decode(String(userinfo[..<colon]))
                password = PercentDecoding.decode(String(userinfo[userinfo.index(after: colon)...]))
            } else {
                username = PercentDecoding.decode(String(userinfo))
            }
            rest = String(rest[rest.index(after: at)...])
        }
        let host = String(rest.prefix { $0 != "/" })
        guard !host.isEmpty else { throw ImportError("invalid Git source \"\(display)\": missing host") }
        var path = String(rest.dropFirst(host.count))
        // @ref: text after the last '@' past the host.
        if let at = path.lastIndex(of: "@") {
            let candidate = String(path[path.index(after: at)...])
            guard !candidate.isEmpty else { throw ImportError("invalid Git source \"\(display)\": empty @ref") }
            ref = candidate == "latest" ? nil : candidate
            path = String(path[..<at])
        }
        subdir = "."
        if let range = path.firstRange(of: "//") {
            subdir = try PackagePath.validate(String(path[range.upperBound...]), what: "Git subdir")
            path = String(path[..<range.lowerBound])
        }
        guard path.count > 1 else { throw ImportError("invalid Git source \"\(display)\": missing repository path") }
        remote = "https://" + host + path
    }

    /// `https://user:******@host/repo//subdir@ref` as stored in `package_source`
    /// (subdir and ref omitted when defaulted).
    var displaySource: String {
        var text = "https://"
        if username != nil {
            text += password != nil ? "\(username!):******@" : "******@"
        }
        text += remote.dropFirst("https://".count)
        if subdir != "." { text += "//" + subdir }
        if let ref { text += "@" + ref }
        return text
    }
}

/// Percent-decoding for URL userinfo.
enum PercentDecoding {
    static func decode(_ text: String) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let b = iterator.popFirst() {
            if b == 37, iterator.count >= 2,
               let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
