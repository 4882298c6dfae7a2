import Actors
import Glibc
import Protocols
import Runtime

/// The CLI's view of the admin API (SPEC §7): address, admin token, timeout, and the
/// error messages users see.
struct AdminClient {
    let address: AdminAddress
    let adminToken: String?

    /// Regular calls time out after 60 s; imports and log follows do not time out.
    static let defaultTimeoutSeconds = 60

    init(addressOption: String?) throws(CLIError) {
        let text = addressOption ?? Environment.get("OCTOBUS_ADDR").flatMap { $0.isEmpty ? nil : $0 } ?? AdminAddress.defaultAddress
        do {
            address = try AdminAddress(parsing: text)
        } catch {
            throw CLIError(error.description)
        }
        adminToken = AdminTokenSource.resolve()
    }

    struct Reply {
        var status: Int
        var body: [UInt8]
        var contentType: String?
    }

    /// Performs a call; HTTP errors become `admin API failed: <status>: <body>`.
    func call(_ method: String, _ path: String, query: [(String, String)] = [], json: JSONValue? = nil,
              accept: String? = nil, timeoutSeconds: Int = AdminClient.defaultTimeoutSeconds, allowNotFound: Bool = false,
              onLine: ((String) -> Void)? = nil) throws(CLIError) -> Reply {
        var target = "/admin/v1" + path
        if !query.isEmpty {
            target += "?" + query.map { "\(PercentEncoding.encode($0.0))=\(PercentEncoding.encode($0.1))" }.joined(separator: "&")
        }
        var headers: [(String, String)] = []
        if let accept { headers.append(("accept", accept)) }
        if let token = adminToken, path != "/status" { headers.append(("authorization", "Bearer \(token)")) }
        var body: [UInt8]?
        if let json {
            headers.append(("content-type", "application/json"))
            body = JSONWriter().bytes(json)
        }
        let response: HTTPClientConnection.Response
        do {
            if address.scheme == "https" {
                response = try CurlTransport.send(url: address.description + target, method: method, headers: headers, body: body,
                                                  timeoutSeconds: timeoutSeconds, onLine: onLine)
            } else {
                let connection = HTTPClientConnection(host: address.host, port: address.port, timeoutSeconds: timeoutSeconds)
                response = try connection.send(method: method, target: target, hostHeader: address.hostHeader,
                                               headers: headers, body: body, onLine: onLine)
            }
        } catch {
            switch error {
            case .unreachable:
                throw CLIError("octobus daemon is not running at \(address); run `octobus serve` first")
            case .failed(let message):
                throw CLIError("admin API request failed: \(message)")
            }
        }
        if allowNotFound, response.status == 404 {
            return Reply(status: 404, body: response.body, contentType: response.headers["content-type"])
        }
        if response.status >= 400 {
            let text = String(decoding: response.body, as: UTF8.self).trimmingASCIIWhitespace()
            throw CLIError("admin API failed: \(response.status): \(RedactedURL.redact(text))")
        }
        return Reply(status: response.status, body: response.body, contentType: response.headers["content-type"])
    }

    /// Calls and parses a JSON reply.
    func callJSON(_ method: String, _ path: String, query: [(String, String)] = [], json: JSONValue? = nil) throws(CLIError) -> JSONValue {
        let reply = try call(method, path, query: query, json: json)
        do {
            return try JSONParser.parse(reply.body)
        } catch {
            throw CLIError("admin API returned invalid JSON: \(error)")
        }
    }
}

/// Where the CLI finds the admin token: `$OCTOBUS_ADMIN_TOKEN`, else `OCTOBUS_ADMIN_TOKEN=`
/// in `./.env`, else `./.octobus.yml` key `admin_token`, `adminToken` or `OCTOBUS_ADMIN_TOKEN`.
enum AdminTokenSource {
    static func resolve() -> String? {
        if let value = Environment.get("OCTOBUS_ADMIN_TOKEN")?.trimmingASCIIWhitespace(), !value.isEmpty { return value }
        if let bytes = try? FileSystem.readFile(".env", limit: 1 << 20) {
            let text = String(decoding: bytes, as: UTF8.self)
            if let value = DotEnv.value(of: "OCTOBUS_ADMIN_TOKEN", in: text), !value.isEmpty { return value }
        }
        if let bytes = try? FileSystem.readFile(".octobus.yml", limit: 1 << 20) {
            let text = String(decoding: bytes, as: UTF8.self)
            for key in ["admin_token", "adminToken", "OCTOBUS_ADMIN_TOKEN"] {
                if let value = SimpleYAML.topLevelScalar(key, in: text), !value.isEmpty { return value }
            }
        }
        return nil
    }
}

/// Reads environment variables.
enum Environment {
    static func get(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}

/// A user-facing CLI failure: printed as is on stderr, exit code 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
