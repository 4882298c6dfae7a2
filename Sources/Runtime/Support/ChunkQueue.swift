/// A FIFO of byte chunks read out in arbitrary slices (outgoing HTTP/2 DATA).
///
/// Most responses are a single chunk, so the first chunk lives inline and the array
/// is only allocated when a second chunk is queued behind it.
struct ChunkQueue {
    private var first: [UInt8] = []
    private var rest: [[UInt8]] = []
    private var restHead = 0
    /// Read offset into `first`.
    private var offset = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func append(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        if count == 0 {
            first = bytes
            offset = 0
        } else {
            rest.append(bytes)
        }
        count += bytes.count
    }

    /// Copies up to `capacity` bytes into `buffer`; returns how many.
    mutating func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) -> Int {
        var copied = 0
        while copied < capacity, count > 0 {
            let n = min(capacity - copied, first.count - offset)
            first.withUnsafeBufferPointer { source in
                (buffer + copied).update(from: source.baseAddress! + offset, count: n)
            }
            copied += n
            offset += n
            count -= n
            if offset == first.count {
                offset = 0
                if restHead < rest.count {
                    first = rest[restHead]
                    rest[restHead] = []
                    restHead += 1
                    if restHead == rest.count {
                        rest.removeAll(keepingCapacity: true)
                        restHead = 0
                    }
                } else {
                    first = []
                }
            }
        }
        return copied
    }
}
