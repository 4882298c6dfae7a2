import Protocols
import Testing

/// The capset OpenAPI document (SPEC §8.6): paths per binding, operations, components.
@Suite struct OpenAPIDocumentTests {
    static func taskBinding(instance: String = "t1", set: DescriptorSet = GatewayFixtures.set) -> OpenAPIBinding {
        OpenAPIBinding(
            instanceID: instance, serviceID: "tasks",
            methods: set.service(fullName: "gw.test.v1.TaskService")?.methods ?? [], descriptorSet: set)
    }

    @Test func writesAnEmptyDocumentWithoutUnaryMethods() throws {
        let streamingOnly = OpenAPIBinding(
            instanceID: "t1", serviceID: "tasks", methods: [GatewayFixtures.method("WatchTasks")],
            descriptorSet: GatewayFixtures.set)
        for bindings in [[], [streamingOnly]] {
            let document = try OpenAPIDocument.build(capsetID: "dev", bindings: bindings)
            #expect(
                JSONWriter().string(document)
                    == #"{"openapi":"3.1.0","info":{"title":"OctoBus Connect RPC Catalog: dev","version":"dev"},"paths":{}}"#)
        }
    }

    @Test func buildsOperationsPerBinding() throws {
        let document = try OpenAPIDocument.build(capsetID: "dev", bindings: [Self.taskBinding()])
        let paths = try #require(document["paths"]?.objectValue)
        let prefix = "/capsets/dev/connect/t1/gw.test.v1.TaskService/"
        #expect(paths.keys == ["DeleteTask", "GetTask", "Now", "PutTask"].map { prefix + $0 }, "sorted, streaming left out")

        // NO_SIDE_EFFECTS methods also get a GET operation with the Connect query.
        let getTask = try #require(paths[prefix + "GetTask"])
        #expect(getTask.objectValue?.keys == ["get", "post"])
        #expect(paths[prefix + "PutTask"]?.objectValue?.keys == ["post"])
        let post = try #require(getTask["post"])
        #expect(post["operationId"] == "dev_tasks_t1_gw_test_v1_TaskService_GetTask_post")
        #expect(getTask.at("get", "operationId") == "dev_tasks_t1_gw_test_v1_TaskService_GetTask_get")
        #expect(post["tags"] == ["gw.test.v1.TaskService"])
        #expect(post["summary"] == "GetTask")
        #expect(post["description"] == "Gets one task.\n\nReads only.")
        #expect(post.at("requestBody", "required") == true)
        #expect(post.at("requestBody", "content")?.objectValue?.keys == ["application/json", "application/proto"])
        #expect(post.at("requestBody", "content", "application/json", "schema") == ["$ref": "#/components/schemas/gw.test.v1.GetTaskRequest"])
        #expect(post.at("responses", "200", "content", "application/proto", "schema") == ["$ref": "#/components/schemas/gw.test.v1.Task"])
        #expect(post.at("responses", "default", "content", "application/json", "schema") == ["$ref": "#/components/schemas/connect.error"])
        let headers = try #require(post["parameters"]?.arrayValue)
        #expect(headers.map { $0["name"] } == ["Connect-Protocol-Version", "Connect-Timeout-Ms"])
        #expect(headers[0]["required"] == false)

        let query = try #require(getTask.at("get", "parameters")?.arrayValue)
        #expect(query.map { $0["name"] } == ["Connect-Protocol-Version", "Connect-Timeout-Ms", "connect", "encoding", "message", "base64", "compression"])
        #expect(query[3]["required"] == true)
        #expect(query[4].at("content", "application/json", "schema") == ["$ref": "#/components/schemas/gw.test.v1.GetTaskRequest"])
        #expect(getTask.at("get", "requestBody") == nil)

        #expect(document["tags"] == [["name": "gw.test.v1.TaskService", "description": "Manages tasks."]])
    }

    // Only what the operations reach becomes a component (Everything is unused).
    @Test func generatesComponentsInTheConnectOpenAPIStyle() throws {
        let document = try OpenAPIDocument.build(capsetID: "dev", bindings: [Self.taskBinding()])
        let schemas = try #require(document.at("components", "schemas")?.objectValue)
        #expect(
            schemas.keys
                == [
                    "connect-protocol-version", "connect-timeout-header", "connect.error", "connect.error_details.Any",
                    "google.protobuf.Empty", "google.protobuf.Timestamp", "gw.test.v1.GetTaskRequest", "gw.test.v1.Priority",
                    "gw.test.v1.Task", "gw.test.v1.Team",
                ])
        let task = try #require(schemas["gw.test.v1.Task"])
        #expect(task["type"] == "object")
        #expect(task["title"] == "Task")
        #expect(task["additionalProperties"] == false)
        #expect(task["description"] == "A unit of work.")
        #expect(task["required"] == ["id"])
        #expect(task.at("properties", "revision") == ["type": "string", "format": "int64", "title": "revision"])
        #expect(task.at("properties", "teamsById", "title") == "teams_by_id")
        #expect(task.at("properties", "teamsById", "additionalProperties") == ["$ref": "#/components/schemas/gw.test.v1.Team"])
        #expect(task.at("properties", "priority") == ["$ref": "#/components/schemas/gw.test.v1.Priority", "title": "priority"])
        #expect(task.at("properties", "due", "$ref") == "#/components/schemas/google.protobuf.Timestamp")
        #expect(task.at("properties", "title", "description") == "The title.")
        #expect(task.at("properties", "subtasks", "items") == ["$ref": "#/components/schemas/gw.test.v1.Task"])
        #expect(schemas["gw.test.v1.Priority"] == ["type": "string", "title": "Priority", "enum": ["PRIORITY_UNSPECIFIED", "PRIORITY_LOW", "PRIORITY_HIGH"], "description": "How urgent a task is."])
        #expect(schemas["google.protobuf.Timestamp"]?["format"] == "date-time")
        #expect(schemas["connect.error"]?.at("properties", "code", "enum")?.arrayValue?.count == 16)
    }

    @Test func writesEveryFieldKind() throws {
        let set = try GatewayFixtures.compileEverythingService()
        let binding = OpenAPIBinding(
            instanceID: "e", serviceID: "every", methods: [try #require(set.method(path: "gw.every.Svc/Echo"))],
            descriptorSet: set)
        let document = try OpenAPIDocument.build(capsetID: "c", bindings: [binding])
        let everything = try #require(document.at("components", "schemas", "gw.test.v1.Everything", "properties"))
        #expect(everything["fUint64"] == ["type": "string", "format": "uint64", "title": "f_uint64"])
        #expect(everything["fInt32"] == ["type": "integer", "format": "int32", "title": "f_int32"])
        #expect(everything["fBytes"] == ["type": "string", "format": "byte", "contentEncoding": "base64", "title": "f_bytes"])
        #expect(everything.at("fDouble", "oneOf")?.arrayValue?.count == 2)
        #expect(everything["customAlias"]?["title"] == "custom_field")
        #expect(everything["nullValue"] == ["type": "null", "title": "null_value"])
        #expect(everything.at("byFlag", "propertyNames", "enum") == ["true", "false"])
        let schemas = try #require(document.at("components", "schemas"))
        #expect(schemas.at("google.protobuf.ListValue", "items") == ["$ref": "#/components/schemas/google.protobuf.Value"])
        #expect(schemas.at("google.protobuf.Int64Value") == ["type": "string", "format": "int64"])
        #expect(schemas.at("google.protobuf.Struct") == ["type": "object", "additionalProperties": true])
    }

    // operationId per SPEC §8.6's example; every non-alphanumeric character becomes `_`.
    @Test func namesOperations() {
        #expect(
            OpenAPIDocument.operationID(
                capsetID: "dev", serviceID: "echo", instanceID: "echo-test", method: "echo.v1.EchoService/Echo", verb: "post")
                == "dev_echo_echo_test_echo_v1_EchoService_Echo_post")
        #expect(OpenAPIDocument.operationID(capsetID: "c", serviceID: "s", instanceID: "i", method: "p.é/M", verb: "get") == "c_s_i_p___M_get")
    }

    // Bindings sharing a descriptor merge; a different definition under the same name fails.
    @Test func mergesComponentsAcrossDescriptorSets() throws {
        let document = try OpenAPIDocument.build(
            capsetID: "dev", bindings: [Self.taskBinding(instance: "a"), Self.taskBinding(instance: "b", set: try DescriptorSet.decode(GatewayFixtures.setBytes))])
        #expect(document["paths"]?.objectValue?.count == 8)
        #expect(document.at("components", "schemas")?.objectValue?.count == 10)

        let changed = try GatewayFixtures.compile(
            source: """
                syntax = "proto3";
                package gw.test.v1;
                // A group of people.
                message Team { string name = 1; int32 size = 2; }
                message GetTaskRequest { string id = 1; }
                service TeamService { rpc GetTeam(GetTaskRequest) returns (Team); }
                """, named: "team.proto")
        let other = OpenAPIBinding(
            instanceID: "teams", serviceID: "teams", methods: changed.methods, descriptorSet: changed)
        let error = #expect(throws: OpenAPIError.self) {
            try OpenAPIDocument.build(capsetID: "dev", bindings: [Self.taskBinding(), other])
        }
        #expect(error?.code == .incompatibleComponent)
        #expect(error?.message == "incompatible OpenAPI component schemas.gw.test.v1.GetTaskRequest")
    }
}

extension GatewayFixtures {
    /// A service exposing `Everything`, to see every field kind in the document.
    static func compileEverythingService() throws -> DescriptorSet {
        try compile(
            source: """
                syntax = "proto3";
                package gw.every;
                import "gateway.proto";
                service Svc { rpc Echo(gw.test.v1.Everything) returns (gw.test.v1.Everything); }
                """, named: "every.proto")
    }
}
