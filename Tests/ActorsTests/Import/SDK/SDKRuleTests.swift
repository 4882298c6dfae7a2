import Testing
@testable import Actors
@testable import Protocols

@Suite struct SDKRuleTests {
    let bundled = BundledSDK.Info(directory: "/opt/octobus/sdk", version: SemanticVersion(0, 6, 1),
                                  implements: VersionRange(parsing: "^0.5.0 || ^0.6.0")!)

    func manifest(_ spec: String?, section: String = "dependencies") -> JSONObject {
        var object: JSONObject = ["name": .string("svc")]
        if let spec { object[section] = .object([BundledSDK.packageName: .string(spec), "left-pad": .string("^1.3.0")]) }
        return object
    }

    func decide(_ spec: String?, policy: SDKPolicy = .bundled, vendored: String? = nil, local: String? = nil,
                section: String = "dependencies") throws -> SDKSource {
        try SDKRule.decide(manifest: manifest(spec, section: section), policy: policy, bundled: bundled,
                           vendoredVersion: vendored, localPath: local)
    }

    @Test(arguments: ["^0.5.0", "~0.5.3", "0.5.x", "^0.6.0", "0.6.1", ">=0.4.0", "*", "", "latest", ">=0.3.0 <0.5.5"])
    func theBundledSDKServesRangesOfTheAPIItImplements(spec: String) throws {
        #expect(try decide(spec) == .bundled("0.6.1"))
    }

    @Test func noDependencyNoSDK() throws {
        #expect(try decide(nil) == SDKSource.none)
        #expect(try decide("^0.5.0", section: "peerDependencies") == .bundled("0.6.1"))
    }

    @Test func shippedCopiesAndPolicyWin() throws {
        #expect(try decide("^0.5.0", vendored: "0.5.2") == .vendored("0.5.2"))
        #expect(try decide("^9.0.0", vendored: "") == .vendored(nil))
        #expect(try decide("^0.5.0", policy: .registry) == .registry(nil))
        #expect(try decide("file:../../sdk", local: "/opt/octobus/sdk") == .bundled("0.6.1"))
        #expect(try decide("file:./vendor/sdk", local: "/pkg/vendor/sdk") == .vendored(nil))
        #expect(SDKSource.bundled("0.6.1").recorded == "bundled 0.6.1")
        #expect(SDKSource.registry("0.5.3").recorded == "registry 0.5.3")
        #expect(SDKSource.vendored(nil).recorded == "vendored")
        #expect(SDKSource.none.recorded == "")
    }

    @Test func aRangeItCannotServeNamesBothVersionsAndTheWayOut() {
        #expect {
            _ = try decide("^1.0.0")
        } throws: { error in
            let message = (error as? ImportError)?.message ?? ""
            return message.contains("@chaitin-ai/octobus-sdk@^1.0.0") && message.contains("bundled SDK 0.6.1")
                && message.contains("--sdk registry") && message.contains("^0.5.0 || ^0.6.0")
        }
        #expect {
            _ = try decide("next")
        } throws: { ($0 as? ImportError)?.message.contains("not a version range") == true }
        #expect {
            _ = try SDKRule.decide(manifest: manifest("^0.5.0"), policy: .bundled, bundled: nil, vendoredVersion: nil, localPath: nil)
        } throws: { ($0 as? ImportError)?.message.contains("no bundled SDK") == true }
    }
}
