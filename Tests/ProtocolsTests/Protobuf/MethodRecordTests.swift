import Protocols
import Testing

@Suite struct MethodRecordTests {
    @Test func recordsTheCalculatorExample() throws {
        let set = try Protoc.exampleSet("calculator-js", "calculator.proto")
        #expect(set.files.map(\.name) == ["calculator.proto"])
        let records = set.methodRecords
        #expect(
            records.map(\.fullName) == [
                "calculator.v1.CalculatorService/Add", "calculator.v1.CalculatorService/Subtract",
            ])
        #expect(
            JSONWriter().string(records[0].json)
                == #"{"full_name":"calculator.v1.CalculatorService/Add","service_full_name":"calculator.v1.CalculatorService","name":"Add","input_full_name":"calculator.v1.BinaryOperationRequest","output_full_name":"calculator.v1.CalculatorResponse","client_streaming":false,"server_streaming":false,"unary":true,"proto_file":"calculator.proto"}"#
        )
        let service = try #require(set.service(fullName: "calculator.v1.CalculatorService"))
        #expect(service.comments.leading == "Basic arithmetic on two numbers.")
        #expect(
            service.methods.map(\.comments.leading) == ["Add returns left + right.", "Subtract returns left - right."])
        let response = try #require(set.message(fullName: "calculator.v1.CalculatorResponse"))
        #expect(
            response.fields.map(\.jsonName) == [
                "result", "serviceId", "instanceId", "label", "businessRequestId", "secretToken",
            ])
        #expect(
            response.comments.leading
                == "The result plus what the handler saw of its runtime, so a caller can check\nthat identity, config, metadata and secret reached the package."
        )
    }

    @Test func recordsTheStreamingExample() throws {
        let set = try Protoc.exampleSet("streaming-js", "streaming.proto")
        let records = set.methodRecords
        #expect(records.map(\.name) == ["Echo", "Expand", "Collect", "Chat"])
        #expect(records.map(\.unary) == [true, false, false, false])
        #expect(records.map(\.clientStreaming) == [false, false, true, true])
        #expect(records.map(\.serverStreaming) == [false, true, false, true])
        #expect(
            records.allSatisfy {
                $0.protoFile == "streaming.proto" && $0.serviceFullName == "streaming.v1.StreamingService"
            })
        #expect(records[1].json["unary"] == .bool(false))
        #expect(set.methods[3].comments.leading == "Chat answers each request as it arrives, with a running index.")
        #expect(set.methods[1].comments.leading == "Expand streams `count` responses with index 1..count.")
    }

    @Test func includesServicesOfImportedFiles() {
        let records = Protoc.fixtureSet.methodRecords
        #expect(records.first?.protoFile == "imported.proto")
        #expect(records.first?.fullName == "codec.imported.v1.SharedService/Ping")
        #expect(records.first?.inputFullName == "codec.imported.v1.Shared")
    }

    @Test func roundTripsThroughJSON() throws {
        for record in Protoc.fixtureSet.methodRecords {
            let text = JSONWriter().string(record.json)
            #expect(MethodRecord(json: try JSONParser.parse(text)) == record)
        }
    }

    @Test(arguments: [
        #"{}"#,
        #"{"full_name":"a/b","service_full_name":"a","name":"b","input_full_name":"x","output_full_name":"y","client_streaming":false,"server_streaming":false}"#,
        #"{"full_name":"a/b","service_full_name":"a","name":"b","input_full_name":"x","output_full_name":"y","client_streaming":"no","server_streaming":false,"proto_file":"f"}"#,
        #"{"full_name":"a/b","service_full_name":"a","name":"b","input_full_name":"x","output_full_name":"y","client_streaming":false,"server_streaming":false,"unary":1,"proto_file":"f"}"#,
        #"[]"#,
    ])
    func rejectsIncompleteRecords(text: String) throws {
        #expect(MethodRecord(json: try JSONParser.parse(text)) == nil)
    }
}
