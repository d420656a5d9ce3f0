import CProcess
import Glibc
import SluiceControl

extension Pipeline {
    /// Lets `sluicectl reload` and SIGHUP read the settings again from `sources`.
    public func enableReload(from sources: SettingsSources) {
        reloadSources = sources
    }

    /// Reads the config file (and the rest of the sources) again and applies the settings
    /// that can change live: pool size, timeouts, retries, log level, control group, and the
    /// plugin command for each worker's next start. Bad settings change nothing.
    func reload(requestedBy trigger: String) -> ControlResponse {
        guard let sources = reloadSources, let path = sources.configFile else {
            logger.warning("reload (\(trigger)): nothing to read again; sluiced runs without --config")
            return ControlResponse(ok: false, error: "reload: sluiced runs without --config; its command line and environment cannot change")
        }
        let fresh: Settings
        do {
            fresh = try sources.resolve()
        } catch {
            logger.error("reload (\(trigger)) refused, settings unchanged: \(error.message)")
            return ControlResponse(ok: false, error: "reload: \(error.message); nothing changed")
        }
        let reload = settings.reloaded(from: fresh)
        let before = settings
        settings = reload.settings
        applyLiveChanges(from: before)
        var message = "reloaded \(path): "
        message += reload.applied.isEmpty ? "no live setting changed" : "applied \(reload.applied.joined(separator: ", "))"
        if before.command != settings.command {
            message += " (the new plugin command runs as workers restart: sluicectl restart)"
        }
        if !reload.needsRestart.isEmpty {
            message += "; changed but kept until sluiced restarts: \(reload.needsRestart.joined(separator: ", "))"
        }
        logger.notice("\(message) (\(trigger))")
        return ControlResponse(ok: true, message: message, reload: ReloadReport(applied: reload.applied, needsRestart: reload.needsRestart))
    }

    private func applyLiveChanges(from before: Settings) {
        logger.logLevel = settings.logLevel
        if settings.controlGroup != before.controlGroup {
            do throws(SettingsError) { try control.allow(groupName: settings.controlGroup) } catch { logger.error("\(error)") }
        }
        if settings.workers != before.workers && settings.retrier != .only {
            _ = scale(to: settings.workers)
        }
        resumeFetchingIfDrained()
    }

    /// SIGHUP: reload, as `sluicectl reload` does.
    func handleSignals() {
        loop.signalBell.drain()
        _ = reload(requestedBy: "SIGHUP")
    }

    func installSignalHandlers() {
        _ = sluice_signal_to_fd(SIGHUP, loop.signalBell.writeFD)
    }
}
