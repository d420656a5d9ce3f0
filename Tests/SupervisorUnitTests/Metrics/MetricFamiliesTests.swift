import Testing

@testable import Supervisor

/// `/metrics` gets a `# HELP` before each family's `# TYPE`; the process's figures are
/// read from /proc.
@Suite struct MetricFamiliesTests {
    @Test func helpGoesBeforeEachType() {
        let exposition = """
            # TYPE sluice_in_flight_messages gauge
            sluice_in_flight_messages 3
            # TYPE sluice_workers gauge
            sluice_workers{state="running"} 2

            """
        let annotated = String(decoding: MetricFamilies.withHelp(Array(exposition.utf8)), as: UTF8.self)
        #expect(
            annotated == """
                # HELP sluice_in_flight_messages \(MetricFamilies.help["sluice_in_flight_messages"]!)
                # TYPE sluice_in_flight_messages gauge
                sluice_in_flight_messages 3
                # HELP sluice_workers \(MetricFamilies.help["sluice_workers"]!)
                # TYPE sluice_workers gauge
                sluice_workers{state="running"} 2

                """)
    }

    @Test func theProcessFiguresComeFromProc() throws {
        let cpu = try #require(ProcessMetrics.cpuSeconds())
        var spin = 0.0
        for value in 0..<3_000_000 { spin += Double(value).squareRoot() }
        #expect(spin > 0 && (ProcessMetrics.cpuSeconds() ?? 0) >= cpu)
        #expect((ProcessMetrics.residentPages() ?? 0) > 100)
        let fds = try #require(ProcessMetrics.openFileDescriptorCount())
        #expect(fds >= 3, "stdin, stdout, stderr at least: \(fds)")
    }
}
