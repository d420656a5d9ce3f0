import PluginProtocol

/// One connected `sluicectl`.
final class ControlClient {
    let fd: Int32
    let lines = LineBuffer(maximumLineLength: 64 * 1024, initialCapacity: 4096)

    init(fd: Int32) {
        self.fd = fd
    }
}
