import Protocols
import Runtime

/// `/admin/v1/tokens` (SPEC §6): admin tokens. Capset tokens share ``TokenOperations``.
extension AdminAPI {
    var adminTokenRoutes: [AdminRoute] {
        let tokens = TokenOperations(store: store, scope: .admin) { [state, store] in
            state.setAdminTokens(TokenSet(records: try await store.tokens(.admin)))
        }
        return [
            AdminRoute("GET", "tokens", .async { _ throws(AdminError) in
                .json(200, .object(["tokens": .array(try await tokens.list().map(\.json))]))
            }),
            AdminRoute("POST", "tokens", .async { [logger] call throws(AdminError) in
                let record = try await tokens.add(body: call.body)
                logger.info("admin_token_added", ["token_id": record.id])
                return .json(200, record.json)
            }),
            AdminRoute("GET", "tokens/{id}", .async { call throws(AdminError) in
                .json(200, try await tokens.get(id: call.parameters[0]).json)
            }),
            AdminRoute("DELETE", "tokens/{id}", .async { [logger] call throws(AdminError) in
                try await tokens.delete(id: call.parameters[0])
                logger.info("admin_token_deleted", ["token_id": call.parameters[0]])
                return .json(200, .object(["deleted": .bool(true), "token_id": .string(call.parameters[0])]))
            }),
        ]
    }
}

/// Add, list, get and delete tokens of one scope, then republish that scope's token
/// snapshot (the data path never reads tokens from the store). The plaintext token exists
/// only in the request that adds it: it is hashed at once and never stored, logged or returned.
struct TokenOperations: Sendable {
    let store: StoreActor
    let scope: TokenScope
    /// Reloads the snapshot that authorises requests of this scope.
    let republish: @Sendable () async throws -> Void

    /// Longest accepted token: far beyond any generated secret, small enough for a header.
    static let maximumTokenBytes = 4096

    func list() async throws(AdminError) -> [TokenRecord] {
        try await storeCall { try await store.tokens(scope) }
    }

    func get(id: String) async throws(AdminError) -> TokenRecord {
        guard let record = try await storeCall({ try await store.token(scope, id: id) }) else {
            throw AdminError.notFound("\(scope.noun) not found")
        }
        return record
    }

    /// `{"id","name"?,"token"}`: name defaults to the id.
    func add(body: [UInt8]) async throws(AdminError) -> TokenRecord {
        let fields = try StrictBody.decode(body, allowed: ["id", "name", "token"])
        let id = try fields.string("id")?.trimmingASCIIWhitespace() ?? ""
        let token = try fields.string("token")?.trimmingASCIIWhitespace() ?? ""
        guard !id.isEmpty, !token.isEmpty else { throw AdminError.badRequest("token id and token are required") }
        try Identifier.validate(id, kind: scope.noun)
        guard token.utf8.count <= Self.maximumTokenBytes else {
            throw AdminError.badRequest("token is longer than \(Self.maximumTokenBytes) bytes")
        }
        // A bearer token travels in a header: visible ASCII only, no spaces.
        guard token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw AdminError.badRequest("token must be printable ASCII without spaces")
        }
        let name = try fields.string("name")?.trimmingASCIIWhitespace() ?? ""
        let hash = Digests.sha256Hex(token)
        guard let record = try await storeCall({ try await store.insertToken(scope, id: id, name: name.isEmpty ? id : name, tokenHash: hash) }) else {
            throw AdminError.badRequest("\(scope.noun) \"\(id)\" already exists")
        }
        try await reload()
        return record
    }

    func delete(id: String) async throws(AdminError) {
        guard try await storeCall({ try await store.deleteToken(scope, id: id) }) else {
            throw AdminError.notFound("\(scope.noun) not found")
        }
        try await reload()
    }

    private func reload() async throws(AdminError) {
        try await storeCall { try await republish() }
    }
}
