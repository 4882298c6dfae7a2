extension DescriptorSet {
    /// One SPEC §1 method record per method of every file (imports included), in file order.
    public var methodRecords: [MethodRecord] { methods.map(MethodRecord.init) }
}
