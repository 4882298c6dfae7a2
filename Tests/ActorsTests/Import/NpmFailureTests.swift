import Testing
@testable import Actors

@Suite struct NpmFailureTests {
    @Test func refusedConnection() throws {
        let output = """
            npm error code ECONNREFUSED
            npm error syscall connect
            npm error errno ECONNREFUSED
            npm error FetchError: request to http://127.0.0.1:9/left-pad failed, reason: connect ECONNREFUSED 127.0.0.1:9
            npm error     at ClientRequest.<anonymous> (/usr/lib/node_modules/npm/node_modules/minipass-fetch/lib/index.js:130:14)
            """
        let failure = try #require(NpmFailure.parse(output))
        #expect(failure == NpmFailure(kind: .unreachable("ECONNREFUSED"), dependency: "left-pad", registry: "http://127.0.0.1:9/"))
        let message = failure.message(blocks: "alpha, beta")
        #expect(message.hasPrefix("dependency \"left-pad\" (needed by alpha, beta) could not be fetched: the npm registry at http://127.0.0.1:9/"))
        #expect(message.contains("--offline") && message.contains("--bundle-deps") && !message.contains("\n"))
    }

    @Test func notCachedScopedPackageWithCredentials() throws {
        let output = """
            npm ERR! code ENOTCACHED
            npm ERR! request to https://bob:hunter22@npm.example.com/@acme%2fgreeting failed: cache mode is 'only-if-cached' but no cached response is available.
            """
        let failure = try #require(NpmFailure.parse(output))
        #expect(failure.kind == .notCached && failure.dependency == "@acme/greeting")
        #expect(failure.registry == "https://bob:******@npm.example.com/")
    }

    @Test func notFoundAndNoMatchingVersion() throws {
        let missing = try #require(NpmFailure.parse("""
            npm error code E404
            npm error 404 Not Found - GET http://127.0.0.1:4873/nope-pkg - Not found
            npm error 404  'nope-pkg@^1.0.0' is not in this registry.
            """))
        #expect(missing.kind == .notFound && missing.dependency == "nope-pkg")
        let target = try #require(NpmFailure.parse("""
            npm error code ETARGET
            npm error notarget No matching version found for left-pad@^99.0.0.
            """))
        #expect(target.kind == .noMatchingVersion("^99.0.0") && target.dependency == "left-pad")
        #expect(target.message().contains("has no version matching ^99.0.0"))
    }

    @Test func tarballURLsNameTheirPackage() {
        #expect(NpmFailure.packageName(fromURL: "http://r/left-pad/-/left-pad-1.3.0.tgz") == "left-pad")
        #expect(NpmFailure.packageName(fromURL: "http://r/@acme/x/-/x-1.0.0.tgz") == "@acme/x")
        #expect(NpmFailure.packageName(fromURL: "http://r/npm/@acme%2Fx") == "@acme/x")
    }

    @Test func otherFailuresAreNotFetchFailures() {
        #expect(NpmFailure.parse("npm error code ERESOLVE\nnpm error ERESOLVE unable to resolve dependency tree") == nil)
        #expect(NpmFailure.parse("") == nil)
    }

    @Test func defaultsYieldToTheDaemonsEnvironment() {
        #expect(NpmRunner.fetchArguments(environment: [:]).count == NpmRunner.fetchDefaults.count)
        let args = NpmRunner.fetchArguments(environment: ["npm_config_fetch_retries": "5", "NPM_CONFIG_FETCH_TIMEOUT": "60000"])
        #expect(args == ["--fetch-retry-mintimeout=1000", "--fetch-retry-maxtimeout=2000"])
    }
}
