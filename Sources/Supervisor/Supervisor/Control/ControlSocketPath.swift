import Glibc

/// Where the control socket lives when no path is given.
public enum ControlSocketPath {
    /// The system-wide place, under systemd's `RuntimeDirectory=sluice`.
    public static let system = "/run/sluice/sluice.sock"

    /// For sluiced: `$RUNTIME_DIRECTORY/sluice.sock` under systemd, else the system place
    /// when its directory is writable, else none.
    public static func forDaemon(environment: [String: String]) -> String? {
        if let directory = environment["RUNTIME_DIRECTORY"]?.split(separator: ":").first {
            return "\(directory)/sluice.sock"
        }
        return access("/run/sluice", W_OK) == 0 ? system : nil
    }

    /// For sluicectl: `$SLUICE_SOCKET`, else the system place.
    public static func forClient(environment: [String: String]) -> String {
        environment["SLUICE_SOCKET"] ?? system
    }
}
