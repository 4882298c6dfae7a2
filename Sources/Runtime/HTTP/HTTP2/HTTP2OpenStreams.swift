/// The open streams of one server connection, as an intrusive doubly linked list through
/// the exchanges themselves.
///
/// The list owns each stream with one manual retain (taken on insert, given back on
/// remove) and links them without reference counting: nghttp2 callbacks find a stream
/// through its user-data pointer, so all the list needs is insert, remove and a walk at
/// connection close — no hashing, no table storage, two reference-count operations per
/// stream.
struct HTTP2OpenStreams {
    private unowned(unsafe) var head: HTTP2Exchange?
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func insert(_ stream: HTTP2Exchange) {
        _ = Unmanaged.passRetained(stream)
        stream.nextOpen = head
        head?.previousOpen = stream
        head = stream
        count += 1
    }

    /// Unlinks `stream` (which must be in this list) and hands over the list's reference.
    mutating func remove(_ stream: HTTP2Exchange) -> HTTP2Exchange {
        let next = stream.nextOpen
        if let previous = stream.previousOpen {
            previous.nextOpen = next
        } else {
            head = next
        }
        next?.previousOpen = stream.previousOpen
        stream.nextOpen = nil
        stream.previousOpen = nil
        count -= 1
        return Unmanaged.passUnretained(stream).takeRetainedValue()
    }

    /// The open streams, in no particular order.
    var all: [HTTP2Exchange] {
        var result: [HTTP2Exchange] = []
        result.reserveCapacity(count)
        var cursor = head
        while let stream = cursor {
            result.append(stream)
            cursor = stream.nextOpen
        }
        return result
    }

    /// Empties the list, returning what it held.
    mutating func removeAll() -> [HTTP2Exchange] {
        let streams = all
        for stream in streams { _ = remove(stream) }
        return streams
    }
}
