import Protocols
import Runtime
import Synchronization

/// The admin API's route table (SPEC §6), assembled from the daemon's actors.
struct AdminAPI: Sendable {
    let state: DaemonState
    let store: StoreActor
    let imports: ImportActor
    let supervisor: InstanceSupervisor
    let instances: InstanceOperations
    let logger: Logger

    var routes: [AdminRoute] {
        [
            AdminRoute("GET", "status", requiresAuth: false, .immediate { [state] _, _ in
                let status = state.statusResponse()
                return .prepared(200, status)
            }),
        ] + serviceRoutes + instanceRoutes
    }
}

/// Admin tokens (SPEC §6): open while none exist, else `Authorization: Bearer <token>`
/// (scheme case-insensitive) whose SHA-256 matches a stored hash.
struct AdminTokenAuthorizer: AdminAuthorizer {
    let state: DaemonState

    func check(authorization: String?) -> AdminError? {
        guard state.hasAdminTokens else { return nil }
        guard let token = BearerToken.parse(authorization), state.isAdminTokenHash(Digests.sha256Hex(token)) else {
            return AdminError(status: 401, "admin token is required")
        }
        return nil
    }
}
