import CProcess
import Glibc

extension Pipeline {
    /// Makes this process a subreaper, before the pipeline starts: the plugins' orphans then
    /// come to it, which reaps them, rather than to an init that may not (or to nobody's
    /// notice). Returns what went wrong, if anything.
    public static func adoptOrphans() -> String? {
        guard sluice_become_subreaper() != 0 else { return nil }
        return "cannot become a subreaper, the plugins' orphans go to init: \(String(cString: strerror(errno)))"
    }
}
