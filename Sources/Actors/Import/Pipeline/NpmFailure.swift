import Protocols
import Runtime

/// Why an npm install could not fetch a dependency, read from npm's error output, so that an
/// import fails with one line naming the dependency and what to do instead of npm's page of
/// retry text and stack traces.
struct NpmFailure: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        /// The registry could not be reached (connection refused or reset, DNS, timeouts);
        /// the npm error code.
        case unreachable(String)
        /// `--offline` and the npm cache does not hold it (ENOTCACHED).
        case notCached
        /// The registry does not know the package (E404).
        case notFound
        /// No published version matches the range (ETARGET).
        case noMatchingVersion(String)
    }

    var kind: Kind
    /// The dependency npm was fetching, when its output names it.
    var dependency: String?
    /// The registry (scheme, host and port) it was fetching from, credentials hidden.
    var registry: String?

    static let unreachableCodes: Set<String> = [
        "ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH",
        "ERR_SOCKET_TIMEOUT", "EPIPE", "ECONNABORTED",
    ]

    /// Reads npm's stderr; nil when the failure is not about fetching a dependency.
    static func parse(_ output: String) -> NpmFailure? {
        let lines = output.split(separator: "\n").map { line -> Substring in
            var text = line.drop(while: { $0 == " " })
            for prefix in ["npm error ", "npm ERR! "] where text.hasPrefix(prefix) { text = text.dropFirst(prefix.count) }
            return text.drop(while: { $0 == " " })
        }
        var code: String?
        for line in lines where line.hasPrefix("code ") {
            code = String(line.dropFirst("code ".count)).trimmingASCIIWhitespace()
            break
        }
        let requestURL = lines.lazy.compactMap { Self.url(in: $0) }.first
        var failure: NpmFailure
        switch code {
        case "ENOTCACHED"?:
            failure = NpmFailure(kind: .notCached)
        case "E404"?:
            failure = NpmFailure(kind: .notFound)
            // "404  'left-pad@^9.0.0' is not in this registry."
            if let line = lines.first(where: { $0.contains("is not in this registry") }), let quoted = Self.quoted(line) {
                failure.dependency = Self.packageName(fromSpec: quoted)
            }
        case "ETARGET"?:
            // "notarget No matching version found for left-pad@^99.0.0."
            let line = lines.first { $0.contains("No matching version found for ") }
            let spec = line.map { String($0[$0.firstRange(of: "No matching version found for ")!.upperBound...]) }
                .map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 }
            failure = NpmFailure(kind: .noMatchingVersion(spec.map(Self.versionPart(ofSpec:)) ?? ""))
            failure.dependency = spec.map(Self.packageName(fromSpec:))
        case let code? where unreachableCodes.contains(code) || code.hasPrefix("ERR_SOCKET") || code.hasPrefix("EAI_"):
            failure = NpmFailure(kind: .unreachable(code))
        default:
            // npm 10 reports some network failures without a code line: a FetchError's reason.
            guard let reason = lines.first(where: { $0.contains("FetchError") || $0.contains("network timeout") }) else { return nil }
            let found = unreachableCodes.first { reason.contains($0) }
            failure = NpmFailure(kind: .unreachable(found ?? (reason.contains("timeout") ? "timeout" : "network error")))
        }
        if let requestURL {
            failure.registry = RedactedURL.redact(Self.origin(of: requestURL))
            if failure.dependency == nil { failure.dependency = Self.packageName(fromURL: requestURL) }
        }
        return failure
    }

    /// The one-line error for the import; `blocks` names what cannot be imported because of it.
    func message(blocks: String? = nil) -> String {
        let what = dependency.map { "dependency \"\($0)\"" } ?? "a dependency"
        let at = registry.map { " at \($0)" } ?? ""
        let vendor = "or ship the dependencies in the package's node_modules (octobus-sdk pack --bundle-deps)"
        let blocked = blocks.map { " (needed by \($0))" } ?? ""
        switch kind {
        case .unreachable(let code):
            return "\(what)\(blocked) could not be fetched: the npm registry\(at) is unreachable (\(code)); "
                + "import with --offline to install from the npm cache, point npm at a reachable registry "
                + "(npm_config_registry in the daemon's environment, or the daemon user's ~/.npmrc), \(vendor)"
        case .notCached:
            return "\(what)\(blocked) is not in the npm cache and --offline forbids fetching it; import once without --offline "
                + "where the registry\(at) is reachable, \(vendor)"
        case .notFound:
            return "\(what)\(blocked) does not exist in the npm registry\(at) (404); check its name, point npm at the registry "
                + "that publishes it (npm_config_registry, ~/.npmrc), \(vendor)"
        case .noMatchingVersion(let range):
            let wanted = range.isEmpty ? "" : " matching \(range)"
            return "\(what)\(blocked) has no version\(wanted) in the npm registry\(at); change the range, "
                + "point npm at the registry that publishes it, \(vendor)"
        }
    }

    // MARK: Reading npm's output

    /// The first http(s) URL in a line ("request to http://… failed", "GET http://…").
    private static func url(in line: Substring) -> String? {
        guard let start = line.firstRange(of: "http://") ?? line.firstRange(of: "https://") else { return nil }
        let rest = line[start.lowerBound...]
        let end = rest.firstIndex(where: { $0 == " " || $0 == "," || $0 == "\"" || $0 == "'" }) ?? rest.endIndex
        var url = String(rest[..<end])
        while url.hasSuffix(".") || url.hasSuffix(":") { url.removeLast() }
        return url
    }

    private static func quoted(_ line: Substring) -> String? {
        guard let open = line.firstIndex(of: "'") else { return nil }
        let rest = line[line.index(after: open)...]
        guard let close = rest.firstIndex(of: "'") else { return nil }
        return String(rest[..<close])
    }

    /// `scheme://host[:port]/` of a URL.
    static func origin(of url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        let hostEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        return String(url[..<hostEnd]) + "/"
    }

    /// The package a registry URL is about: `/left-pad`, `/@scope%2fname`, `/@scope/name`,
    /// `/left-pad/-/left-pad-1.3.0.tgz` (a registry under a path prefix is not told apart).
    static func packageName(fromURL url: String) -> String? {
        guard let schemeEnd = url.firstRange(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        var path = String(rest[rest.index(after: slash)...])
        if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = String(path[..<cut]) }
        path = path.replacingPercentSlash()
        var segments = path.split(separator: "/").map(String.init)
        if let dash = segments.firstIndex(of: "-") { segments = Array(segments[..<dash]) }
        // A registry mounted under a path (`/npm/left-pad`): the package is the last one or two segments.
        guard let last = segments.last else { return nil }
        if segments.count >= 2, segments[segments.count - 2].hasPrefix("@") { return segments[segments.count - 2] + "/" + last }
        return last
    }

    /// `left-pad` of `left-pad@^1.0.0`, `@scope/x` of `@scope/x@1`.
    static func packageName(fromSpec spec: String) -> String {
        let search = spec.hasPrefix("@") ? spec.dropFirst() : Substring(spec)
        guard let at = search.firstIndex(of: "@") else { return spec }
        return String(spec[..<at])
    }

    static func versionPart(ofSpec spec: String) -> String {
        let name = packageName(fromSpec: spec)
        return name.count < spec.count ? String(spec.dropFirst(name.count + 1)) : ""
    }
}

extension String {
    /// `%2f`/`%2F` (npm's encoding of a scoped name's slash) as `/`.
    fileprivate func replacingPercentSlash() -> String {
        var out = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: "%2f") ?? rest.firstRange(of: "%2F") {
            out += rest[..<range.lowerBound] + "/"
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}
