import Glibc
import Logging
import Testing

@testable import Supervisor

/// How a log line is written for each destination: to the journal with its priority, to
/// a terminal for a person, elsewhere as logfmt or JSON; and how the destination is told.
@Suite struct LineLogHandlerTests {
    let time = timespec(tv_sec: 1_764_583_925, tv_nsec: 123_000_000)  // 2025-12-01T10:12:05.123Z
    let fields = [("value", #"{"id":"a b","n":1}"#), ("worker", "2")]

    @Test func theJournalGetsEachLinesPriority() {
        let handler = LineLogHandler(format: .auto, level: .info, destination: .journal)
        let levels: [(Logger.Level, String)] = [
            (.debug, "<7>"), (.info, "<6>"), (.notice, "<5>"), (.warning, "<4>"), (.error, "<3>"), (.critical, "<2>"),
        ]
        for (level, prefix) in levels {
            let line = handler.line(level: level, message: "m", fields: [], time: time)
            #expect(line == "\(prefix)ts=2025-12-01T10:12:05.123Z level=\(level.rawValue) msg=m\n")
        }
        let json = LineLogHandler(format: .json, level: .info, destination: .journal).line(level: .warning, message: "m", fields: [], time: time)
        #expect(json == #"<4>{"ts":"2025-12-01T10:12:05.123Z","level":"warning","msg":"m"}"# + "\n")
    }

    @Test func logfmtQuotesWhatNeedsIt() {
        let handler = LineLogHandler(format: .auto, level: .info, destination: .other)
        let line = handler.line(level: .info, message: "sink out", fields: fields, time: time)
        #expect(line == #"ts=2025-12-01T10:12:05.123Z level=info msg="sink out" value="{\"id\":\"a b\",\"n\":1}" worker=2"# + "\n")
    }

    /// For a person: local time, level, message, fields with a JSON value as it is; a
    /// newline inside stays escaped so that the event is one line; colour only when asked.
    @Test func aTerminalGetsLinesForAPerson() {
        let plain = LineLogHandler(format: .auto, level: .info, destination: .terminal(colors: false))
        let clock = LineLogHandler.localClock(time)
        let line = plain.line(level: .warning, message: "two\nlines", fields: fields + [("reason", "too hot")], time: time)
        #expect(line == #"\#(clock) WARNING two\nlines value={"id":"a b","n":1} worker=2 reason="too hot""# + "\n")
        let coloured = LineLogHandler(format: .auto, level: .info, destination: .terminal(colors: true))
            .line(level: .error, message: "m", fields: [], time: time)
        #expect(coloured == "\u{1B}[2m\(clock)\u{1B}[0m \u{1B}[1;31mERROR   \u{1B}[0mm\n")
        let forced = LineLogHandler(format: .logfmt, level: .info, destination: .terminal(colors: true))
        #expect(forced.line(level: .info, message: "m", fields: [], time: time).hasPrefix("ts="), "--log-format logfmt wins")
    }

    /// `$JOURNAL_STREAM` counts only when it names this very stream.
    @Test func theJournalIsTheStreamJournalStreamNames() throws {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let stream = try #require(LogDestination.stream(fds[1]))
        #expect(LogDestination.of(fd: fds[1], environment: ["JOURNAL_STREAM": stream]) == .journal)
        #expect(LogDestination.of(fd: fds[1], environment: ["JOURNAL_STREAM": "8:12345"]) == .other, "stderr redirected elsewhere")
        #expect(LogDestination.of(fd: fds[1], environment: [:]) == .other)
    }

    @Test func aPluginLineMayStartWithItsPriority() {
        let lines: [(String, Logger.Level, String)] = [
            ("<3>disk full", .error, "disk full"), ("<4>slow", .warning, "slow"), ("<7>x", .debug, "x"), ("<0>", .critical, ""),
            ("plain", .info, "plain"), ("<8>eight", .info, "<8>eight"), ("<3", .info, "<3"), ("", .info, ""), ("<a>b", .info, "<a>b"),
        ]
        for (raw, level, text) in lines {
            let line = PluginLogLine(raw)
            #expect(line.level == level && line.text == text, "\(raw)")
        }
    }
}
