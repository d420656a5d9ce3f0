#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads bytes from a file descriptor and splits them into `\n`-terminated lines, with a
/// bound on line length so a peer that never writes a newline cannot exhaust memory.
/// Only `\n` ends a line: U+2028 and CR are ordinary bytes, as JSON allows them in strings.
public final class LineBuffer {
    /// A line (without its `\n`) or the start of a line that was too long.
    public enum Event {
        /// A complete line, borrowed until the callback returns.
        case line(UnsafeRawBufferPointer)
        /// A line longer than the limit: its first `maximumLineLength` bytes. The rest, up
        /// to the next `\n`, is dropped.
        case overlong(prefix: UnsafeRawBufferPointer)
    }

    /// What one `read` call found.
    public enum ReadResult: Equatable {
        /// Read this many bytes.
        case bytes(Int)
        /// Nothing to read now (non-blocking descriptor).
        case wouldBlock
        /// The writer closed its end.
        case endOfFile
        /// read(2) failed with this errno.
        case failed(Int32)
    }

    /// The longest line delivered whole.
    public let maximumLineLength: Int
    private var storage: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private var scanned = 0
    private var discardingUntilNewline = false

    /// Creates a buffer that delivers lines of at most `maximumLineLength` bytes.
    public init(maximumLineLength: Int, initialCapacity: Int = 64 * 1024) {
        self.maximumLineLength = maximumLineLength
        storage = .allocate(byteCount: max(initialCapacity, 4096), alignment: 8)
    }

    deinit {
        storage.deallocate()
    }

    /// Reads once from `fd` into the buffer.
    public func read(from fd: Int32) -> ReadResult {
        makeRoom()
        let count = Glibc.read(fd, storage.baseAddress! + end, storage.count - end)
        if count > 0 {
            end += count
            return .bytes(count)
        }
        if count == 0 { return .endOfFile }
        let error = errno
        return error == EAGAIN || error == EWOULDBLOCK ? .wouldBlock : (error == EINTR ? .bytes(0) : .failed(error))
    }

    /// Reads from a non-blocking `fd` until it has nothing more, at most `maximumReads`
    /// times; true when the writer closed its end (or the read failed).
    public func readAvailable(from fd: Int32, maximumReads: Int) -> Bool {
        for _ in 0..<maximumReads {
            switch read(from: fd) {
            case .bytes: continue
            case .wouldBlock: return false
            case .endOfFile, .failed: return true
            }
        }
        return false
    }

    /// Calls `body` for every complete line buffered, in order, until it returns false.
    public func drainLines(_ body: (Event) -> Bool) {
        while start < end {
            let window = UnsafeRawBufferPointer(rebasing: storage[scanned..<end])
            if let newline = memchr(window.baseAddress!, 0x0A, window.count) {
                let lineEnd = scanned + (UnsafeRawPointer(newline) - window.baseAddress!)
                let lineStart = start
                start = lineEnd + 1
                scanned = start
                if discardingUntilNewline {
                    discardingUntilNewline = false
                    continue
                }
                // A line too long is too long however it arrived: whole in one read, too.
                if lineEnd - lineStart > maximumLineLength {
                    let prefix = UnsafeRawBufferPointer(rebasing: storage[lineStart..<(lineStart + maximumLineLength)])
                    if !body(.overlong(prefix: prefix)) { return }
                    continue
                }
                if !body(.line(UnsafeRawBufferPointer(rebasing: storage[lineStart..<lineEnd]))) { return }
            } else {
                scanned = end
                if end - start > maximumLineLength {
                    let prefixEnd = start + maximumLineLength
                    let wasDiscarding = discardingUntilNewline
                    discardingUntilNewline = true
                    let prefix = UnsafeRawBufferPointer(rebasing: storage[start..<prefixEnd])
                    start = end
                    scanned = end
                    if !wasDiscarding, !body(.overlong(prefix: prefix)) { return }
                }
                return
            }
        }
    }

    /// Takes whatever is buffered as a final line (for a peer that ended without `\n`).
    public func takeRemainder() -> [UInt8]? {
        guard end > start, !discardingUntilNewline else { return nil }
        defer { start = end; scanned = end }
        return Array(UnsafeRawBufferPointer(rebasing: storage[start..<end]))
    }

    /// Moves unread bytes to the front or grows the storage so a read has room.
    private func makeRoom() {
        if start == end {
            start = 0
            end = 0
            scanned = 0
        }
        let free = storage.count - end
        guard free < storage.count / 4 else { return }
        let pending = end - start
        if start > 0 && pending < storage.count / 2 {
            storage.baseAddress!.copyMemory(from: storage.baseAddress! + start, byteCount: pending)
        } else {
            let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: storage.count * 2, alignment: 8)
            grown.baseAddress!.copyMemory(from: storage.baseAddress! + start, byteCount: pending)
            storage.deallocate()
            storage = grown
        }
        scanned -= start
        end = pending
        start = 0
    }
}
