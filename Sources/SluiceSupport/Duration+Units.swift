extension Duration {
    /// The duration as a number of seconds.
    package var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// Seconds rounded to a whole number, for log lines.
    package var wholeSeconds: Int64 {
        Int64(inSeconds.rounded())
    }

    /// Whole milliseconds, truncated.
    package var inMilliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }

    /// Whole microseconds, truncated.
    package var inMicroseconds: Int64 {
        components.seconds &* 1_000_000 &+ components.attoseconds / 1_000_000_000_000
    }

    /// Whole nanoseconds, truncated.
    package var inNanoseconds: Int64 {
        components.seconds &* 1_000_000_000 &+ components.attoseconds / 1_000_000_000
    }
}
