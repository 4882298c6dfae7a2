/// Where an instance's and its service's files live (SPEC §4, §5).
struct InstancePaths: Sendable {
    let dataDirectory: String

    var servicesDirectory: String { dataDirectory + "/artifacts/services" }
    var instancesDirectory: String { dataDirectory + "/instances" }

    func workdir(_ instanceID: String) -> String { instancesDirectory + "/" + instanceID }
    func configFile(_ instanceID: String) -> String { workdir(instanceID) + "/config.json" }
    func stdoutLog(_ instanceID: String) -> String { workdir(instanceID) + "/stdout.log" }
    func stderrLog(_ instanceID: String) -> String { workdir(instanceID) + "/stderr.log" }
    func runtimeDirectory(_ serviceID: String) -> String { servicesDirectory + "/" + serviceID + "/runtime" }

    func entry(service: ServiceRecord) -> String { runtimeDirectory(service.id) + "/" + service.nodeEntry }

    func packageDirectory(service: ServiceRecord) -> String {
        runtimeDirectory(service.id) + (service.serviceRoot == "." ? "" : "/" + service.serviceRoot)
    }
}
