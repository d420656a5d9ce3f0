import Glibc

/// Calls `body` with each read that `fd` (non-blocking) answers until it has nothing more:
/// one datagram each from a datagram socket, a chunk each from a pipe.
func forEachAvailableRead(from fd: Int32, _ body: (ArraySlice<UInt8>) -> Void) {
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = read(fd, &buffer, buffer.count)
        guard count > 0 else { return }
        body(buffer[0..<count])
    }
}
