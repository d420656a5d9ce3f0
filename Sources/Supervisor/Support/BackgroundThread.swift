import Foundation

/// Runs a blocking loop on a thread of its own, off Swift's cooperative pool, and lets an
/// async caller wait for its result.
enum BackgroundThread {
    static func run<Result: Sendable>(name: String, _ body: @escaping @Sendable () -> Result) async -> Result {
        await withCheckedContinuation { (continuation: CheckedContinuation<Result, Never>) in
            let thread = Thread {
                continuation.resume(returning: body())
            }
            thread.name = name
            thread.start()
        }
    }
}
