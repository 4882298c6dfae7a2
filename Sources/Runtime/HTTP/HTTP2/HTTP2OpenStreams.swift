/// The open streams of one server connection, as an intrusive doubly linked list through
/// the exchanges themselves.
///
/// The list owns each stream with one manual retain (taken on insert, given back on
/// remove) and links them with unmanaged pointers: nghttp2 callbacks find a stream
/// through its user-data pointer, so all the list needs is insert, remove and a walk at
/// connection close — no hashing, no table storage, and two reference-count operations
/// per stream (touching a neighbour through `_withUnsafeGuaranteedRef` costs none).
struct HTTP2OpenStreams {
    private var head: Unmanaged<HTTP2Exchange>?
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func insert(_ stream: HTTP2Exchange) {
        let node = Unmanaged.passRetained(stream)
        stream.nextOpen = head
        stream.previousOpen = nil
        head?._withUnsafeGuaranteedRef { $0.previousOpen = node }
        head = node
        count += 1
    }

    /// Unlinks `node` (which must be in this list) and hands over the list's reference.
    mutating func remove(_ node: Unmanaged<HTTP2Exchange>) -> HTTP2Exchange {
        let (next, previous) = node._withUnsafeGuaranteedRef { stream in
            let links = (stream.nextOpen, stream.previousOpen)
            stream.nextOpen = nil
            stream.previousOpen = nil
            return links
        }
        if let previous {
            previous._withUnsafeGuaranteedRef { $0.nextOpen = next }
        } else {
            head = next
        }
        next?._withUnsafeGuaranteedRef { $0.previousOpen = previous }
        count -= 1
        return node.takeRetainedValue()
    }

    /// The open streams, in no particular order.
    var all: [HTTP2Exchange] {
        var result: [HTTP2Exchange] = []
        result.reserveCapacity(count)
        var cursor = head
        while let node = cursor {
            let stream = node.takeUnretainedValue()
            result.append(stream)
            cursor = stream.nextOpen
        }
        return result
    }

    /// Empties the list, returning what it held.
    mutating func removeAll() -> [HTTP2Exchange] {
        let streams = all
        for stream in streams { _ = remove(Unmanaged.passUnretained(stream)) }
        return streams
    }
}
