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
    let capsets: CapsetDirectory
    let routing: RoutingPublisher
    /// `<data>/access.log`.
    let accessLogPath: String
    let pool: BlockingPool = .shared
    let logger: Logger

    var routes: [AdminRoute] {
        [
            AdminRoute("GET", "status", requiresAuth: false, .immediate { [state] _, _ in
                let status = state.statusResponse()
                return .prepared(200, status)
            }),
         ] + serviceRoutes + instanceRoutes + adminTokenRoutes + capsetRoutes + catalogRoutes + logRoutes
    }
}
