import CProcess
import Glibc

/// Who may use the control socket: root, the daemon's own user, and members of one group
/// (the daemon's primary group unless `daemon.control_group` names another), by their
/// primary or supplementary groups.
struct ControlAccess {
    let groupID: gid_t

    init(groupName: String?) {
        groupID = groupName.flatMap(Self.groupID(named:)) ?? getgid()
    }

    /// The id of the group called `name`, nil when there is none.
    static func groupID(named name: String) -> gid_t? {
        var group = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getgrnam_r(name, &group, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return group.gr_gid
    }

    /// Whether the peer of a connected socket may send commands.
    func allows(_ fd: Int32) -> Bool {
        var uid: uid_t = 0
        var gid: gid_t = 0
        guard sluice_peer_credentials(fd, &uid, &gid) == 0 else { return false }
        if uid == 0 || uid == getuid() || gid == groupID { return true }
        var groups = [gid_t](repeating: 0, count: 256)
        let count = sluice_peer_groups(fd, &groups, Int32(groups.count))
        return count > 0 && groups.prefix(Int(count)).contains(groupID)
    }

    /// Gives the socket file to the group, so that its members pass the 0660 mode.
    func grant(path: String) throws(SettingsError) {
        guard groupID != getgid() else { return }
        guard chown(path, uid_t.max, groupID) == 0 else {  // uid -1: keep the owner
            throw SettingsError("daemon.control_group: cannot give \(path) to group \(groupID): \(String(cString: strerror(errno)))")
        }
    }
}
