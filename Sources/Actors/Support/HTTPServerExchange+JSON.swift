import Protocols
import Runtime

extension HTTPServerExchange {
    /// A complete `application/json` answer: `value` on one newline-terminated line, with
    /// `headers` beside the content type (the admin API and the gateway's JSON errors).
    func respondJSON(status: Int, _ value: JSONValue, headers extra: HTTPHeaders = HTTPHeaders()) {
        var body = JSONWriter().bytes(value)
        body.append(10)
        var headers: HTTPHeaders = ["content-type": "application/json"]
        for field in extra { headers.add(name: field.name, value: field.value) }
        respond(status: status, headers: headers, body: body)
    }
}
