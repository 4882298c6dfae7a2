import Protocols
import Runtime

/// A JSON reply rendered once: body bytes plus matching headers, reusable across requests.
/// A class, so handing it around costs one reference count instead of one per field.
public final class PreparedJSON: Sendable {
    let key: Int
    let headers: PreparedHeaders
    let body: [UInt8]

    init(key: Int, _ value: JSONValue) {
        self.key = key
        var body = JSONWriter().bytes(value)
        body.append(10)
        self.body = body
        headers = PreparedHeaders(["content-type": "application/json", "content-length": String(body.count)])
    }
}
