extension FileDescriptor {
    /// This file's FileDescriptorProto with each service's `method` list cut down to the
    /// methods `keep` accepts, and services left with none dropped (SPEC §8.3: reflection
    /// serves only exposed methods). Everything else, source info included, is copied byte
    /// for byte, so keeping every method returns ``rawBytes`` unchanged.
    ///
    /// - Note: source_code_info paths still count the removed methods and services, as in
    ///   the upstream gateway, which filtered the lists of a cloned FileDescriptorProto.
    public func rawBytes(keepingMethods keep: (MethodDescriptor) -> Bool) -> [UInt8] {
        do throws(ProtobufDecodeError) {
            return try filteredBytes(keep)
        } catch {
            return rawBytes  // Unreachable: the bytes were parsed when the set was decoded.
        }
    }

    private func filteredBytes(_ keep: (MethodDescriptor) -> Bool) throws(ProtobufDecodeError) -> [UInt8] {
        var reader = ProtobufWireReader(rawBytes)
        var writer = ProtobufWireWriter(capacity: rawBytes.count)
        var serviceIndex = 0
        while !reader.isAtEnd {
            let start = reader.offset
            let tag = try reader.readTag()
            guard tag.fieldNumber == 6, tag.wireType == .lengthDelimited, serviceIndex < services.count else {
                try reader.skipField(tag)
                writer.writeRaw(rawBytes[start..<reader.offset])
                continue
            }
            let service = services[serviceIndex]
            serviceIndex += 1
            var serviceReader = ProtobufWireReader(rawBytes, range: try reader.readLengthDelimited())
            var serviceWriter = ProtobufWireWriter()
            var methodIndex = 0
            var kept = 0
            while !serviceReader.isAtEnd {
                let fieldStart = serviceReader.offset
                let fieldTag = try serviceReader.readTag()
                try serviceReader.skipField(fieldTag)
                if fieldTag.fieldNumber == 2, fieldTag.wireType == .lengthDelimited, methodIndex < service.methods.count
                {
                    let method = service.methods[methodIndex]
                    methodIndex += 1
                    guard keep(method) else { continue }
                    kept += 1
                }
                serviceWriter.writeRaw(rawBytes[fieldStart..<serviceReader.offset])
            }
            if kept > 0 {
                writer.writeTag(6, .lengthDelimited)
                writer.writeLengthDelimited(serviceWriter.bytes)
            }
        }
        return writer.bytes
    }
}
