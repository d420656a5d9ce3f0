import Glibc

/// The daemon's own process facts, read without Foundation.
public enum ProcessEnvironment {
    /// The environment variables of this process.
    public static var variables: [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }

    /// The directory of the running executable, where the sample plugins are built too.
    public static var executableDirectory: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return "." }
        let path = String(cBuffer: buffer)
        return String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
    }

    /// Makes writes to a closed pipe return EPIPE instead of killing the daemon; children
    /// get the default back before exec.
    public static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }
}
