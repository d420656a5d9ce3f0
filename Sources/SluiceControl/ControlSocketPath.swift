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

    /// The socket of the template unit's instance `sluice@NAME`, under its
    /// `RuntimeDirectory=sluice/%i`.
    public static func forInstance(_ name: String) -> String {
        "/run/sluice/\(name)/sluice.sock"
    }

    /// For sluicectl: the socket it was given, else the instance it was given, else
    /// `$SLUICE_SOCKET`, else `$SLUICE_INSTANCE`'s socket, else the system place.
    public static func forClient(socket: String? = nil, instance: String? = nil, environment: [String: String]) -> String {
        if let socket { return socket }
        if let instance { return forInstance(instance) }
        if let socket = environment["SLUICE_SOCKET"], !socket.isEmpty { return socket }
        if let instance = environment["SLUICE_INSTANCE"], !instance.isEmpty { return forInstance(instance) }
        return system
    }

    /// Why an instance name cannot name a socket, or nil: it is one path component, as
    /// systemd's `%i` is.
    public static func problem(withInstance name: String) -> String? {
        name.isEmpty || name.contains("/") || name == "." || name == ".."
            ? "an instance is a name such as validator (the NAME of sluice@NAME), not \"\(name)\"" : nil
    }
}
