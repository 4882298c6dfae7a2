import Protocols
import Testing

/// SPEC §8.4's table, row by row, and the inference for error responses without a body.
@Suite struct ConnectErrorCodeTests {
    @Test(arguments: [
        ("CANCELLED", "canceled", 499), ("UNKNOWN", "unknown", 500), ("INVALID_ARGUMENT", "invalid_argument", 400),
        ("DEADLINE_EXCEEDED", "deadline_exceeded", 504), ("NOT_FOUND", "not_found", 404),
        ("ALREADY_EXISTS", "already_exists", 409), ("PERMISSION_DENIED", "permission_denied", 403),
        ("RESOURCE_EXHAUSTED", "resource_exhausted", 429), ("FAILED_PRECONDITION", "failed_precondition", 400),
        ("ABORTED", "aborted", 409), ("OUT_OF_RANGE", "out_of_range", 400), ("UNIMPLEMENTED", "unimplemented", 501),
        ("INTERNAL", "internal", 500), ("UNAVAILABLE", "unavailable", 503), ("DATA_LOSS", "data_loss", 500),
        ("UNAUTHENTICATED", "unauthenticated", 401),
    ])
    func mapsEachCode(grpc: String, connect: String, http: Int) throws {
        let grpcCode = try #require(GRPCStatusCode(name: grpc))
        let code = try #require(ConnectErrorCode(grpcCode))
        #expect(code.name == connect)
        #expect(code.httpStatus == http)
        #expect(ConnectErrorCode(name: connect) == code)
        #expect(code.grpcCode == grpcCode)
        #expect(ConnectErrorCode.allCases.contains(code))
    }

    @Test func hasNoCodeForOK() {
        #expect(ConnectErrorCode(.ok) == nil)
        #expect(ConnectErrorCode(name: "ok") == nil)
        #expect(ConnectErrorCode(name: "") == nil)
        #expect(ConnectErrorCode(name: "NOT_FOUND") == nil)
        #expect(ConnectErrorCode.allCases.count == 16)
        #expect(ConnectErrorCode.notFound.description == "not_found")
    }

    @Test(arguments: [
        (400, "invalid_argument"), (401, "unauthenticated"), (403, "permission_denied"), (404, "unimplemented"),
        (408, "deadline_exceeded"), (412, "failed_precondition"), (413, "resource_exhausted"),
        (431, "resource_exhausted"), (429, "unavailable"), (502, "unavailable"), (503, "unavailable"),
        (504, "unavailable"), (500, "unknown"), (409, "unknown"), (418, "unknown"), (200, "unknown"),
    ])
    func infersCodesFromHTTPStatuses(status: Int, name: String) {
        #expect(ConnectErrorCode.forHTTPStatus(status).name == name)
    }
}
