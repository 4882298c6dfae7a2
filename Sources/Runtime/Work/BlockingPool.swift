import Glibc

/// A few plain threads for blocking work — file copies, archive extraction, hashing —
/// so it never runs on an event loop or ties up Swift's cooperative pool.
public final class BlockingPool: @unchecked Sendable {
    // `queue` and `stopping` are guarded by `mutex`; `condition` signals new work.
    private var queue: [@Sendable () -> Void] = []
    private var head = 0
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    public let threadCount: Int

    /// The daemon's pool: two threads suit a 2-core machine and disk-bound work.
    public static let shared = BlockingPool(threads: 2)

    public init(threads: Int) {
        threadCount = threads
        condition = .allocate(capacity: 1)
        mutex = .allocate(capacity: 1)
        pthread_cond_init(condition, nil)
        pthread_mutex_init(mutex, nil)
        for index in 0..<threads {
            let box = Unmanaged.passRetained(WorkerBox(pool: self, index: index)).toOpaque()
            var thread = pthread_t()
            pthread_create(&thread, nil, { arg in
                let box = Unmanaged<WorkerBox>.fromOpaque(arg!).takeRetainedValue()
                box.pool.workerMain(index: box.index)
                return nil
            }, box)
            pthread_detach(thread)
        }
    }

    /// Runs `body` on a pool thread and returns its result.
    public func run<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            submit {
                do throws(E) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    private func submit(_ work: @escaping @Sendable () -> Void) {
        pthread_mutex_lock(mutex)
        queue.append(work)
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    fileprivate func workerMain(index: Int) {
        octoSetThreadName("octobus-work-\(index)")
        while true {
            pthread_mutex_lock(mutex)
            while head == queue.count { pthread_cond_wait(condition, mutex) }
            let work = queue[head]
            head += 1
            if head == queue.count {
                queue.removeAll(keepingCapacity: true)
                head = 0
            }
            pthread_mutex_unlock(mutex)
            work()
        }
    }
}

private final class WorkerBox {
    let pool: BlockingPool
    let index: Int
    init(pool: BlockingPool, index: Int) {
        self.pool = pool
        self.index = index
    }
}
