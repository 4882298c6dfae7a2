/// The messages of gRPC server reflection (`grpc.reflection.v1` and `v1alpha` share them
/// field for field), decoded and encoded by hand.
public enum ReflectionMessages {
    /// A ServerReflectionRequest.
    public struct Request: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            case fileByFilename(String)
            case fileContainingSymbol(String)
            case listServices
            /// file_containing_extension, all_extension_numbers_of_type, or nothing set.
            case unsupported
        }

        public var host: String
        public var kind: Kind
        /// The request as received, echoed as `original_request`.
        public var raw: [UInt8]

        public static func decode(_ bytes: [UInt8]) throws(ProtobufDecodeError) -> Request {
            var reader = ProtobufWireReader(bytes)
            var host = ""
            var kind = Kind.unsupported
            while !reader.isAtEnd {
                let tag = try reader.readTag()
                switch (tag.fieldNumber, tag.wireType) {
                case (1, .lengthDelimited): host = try reader.readString()
                case (3, .lengthDelimited): kind = .fileByFilename(try reader.readString())
                case (4, .lengthDelimited): kind = .fileContainingSymbol(try reader.readString())
                case (7, .lengthDelimited):
                    _ = try reader.readLengthDelimited()
                    kind = .listServices
                case (5, _), (6, _):
                    try reader.skipField(tag)
                    kind = .unsupported
                default:
                    try reader.skipField(tag)
                }
            }
            return Request(host: host, kind: kind, raw: bytes)
        }
    }

    /// A ServerReflectionResponse.
    public enum Response: Sendable, Equatable {
        case files([[UInt8]])
        case services([String])
        case error(code: Int32, message: String)

        public func encode(for request: Request) -> [UInt8] {
            var writer = ProtobufWireWriter()
            if !request.host.isEmpty {
                writer.writeTag(1, .lengthDelimited)
                writer.writeString(request.host)
            }
            writer.writeTag(2, .lengthDelimited)
            writer.writeLengthDelimited(request.raw)
            var body = ProtobufWireWriter()
            let field: Int
            switch self {
            case .files(let files):
                field = 4
                for file in files {
                    body.writeTag(1, .lengthDelimited)
                    body.writeLengthDelimited(file)
                }
            case .services(let names):
                field = 6
                for name in names {
                    var service = ProtobufWireWriter()
                    service.writeTag(1, .lengthDelimited)
                    service.writeString(name)
                    body.writeTag(1, .lengthDelimited)
                    body.writeLengthDelimited(service.bytes)
                }
            case .error(let code, let message):
                field = 7
                body.writeTag(1, .varint)
                body.writeInt32(code)
                body.writeTag(2, .lengthDelimited)
                body.writeString(message)
            }
            writer.writeTag(field, .lengthDelimited)
            writer.writeLengthDelimited(body.bytes)
            return writer.bytes
        }
    }

    /// The answer SPEC §8.3 gives to one request.
    public static func answer(_ request: Request, index: ReflectionIndex) -> Response {
        switch request.kind {
        case .listServices:
            return .services(index.services)
        case .fileByFilename(let name):
            guard let files = index.fileClosure(named: name) else { return .error(code: 5, message: "file not found") }
            return .files(files)
        case .fileContainingSymbol(let symbol):
            guard let files = index.fileClosure(containingSymbol: symbol) else { return .error(code: 5, message: "symbol not found") }
            return .files(files)
        case .unsupported:
            return .error(code: 12, message: "reflection request is not supported")
        }
    }
}
