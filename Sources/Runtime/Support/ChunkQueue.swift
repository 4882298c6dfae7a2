/// A FIFO of byte chunks read out in arbitrary slices (outgoing HTTP/2 DATA).
struct ChunkQueue {
    private var chunks: [[UInt8]] = []
    private var head = 0
    /// Read offset into `chunks[head]`.
    private var offset = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func append(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        chunks.append(bytes)
        count += bytes.count
    }

    /// Copies up to `capacity` bytes into `buffer`; returns how many.
    mutating func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) -> Int {
        var copied = 0
        while copied < capacity, head < chunks.count {
            let n = min(capacity - copied, chunks[head].count - offset)
            chunks[head].withUnsafeBufferPointer { source in
                (buffer + copied).update(from: source.baseAddress! + offset, count: n)
            }
            copied += n
            offset += n
            if offset == chunks[head].count {
                head += 1
                offset = 0
            }
        }
        count -= copied
        if head == chunks.count {
            chunks.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 32 {
            chunks.removeFirst(head)
            head = 0
        }
        return copied
    }
}
