extension Duration {
    // `components` divides a 128-bit count of attoseconds each time it is read (twice a
    // message on the pipeline thread for its latency figures): each conversion reads it once.
    /// The duration as a number of seconds.
    package var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Seconds rounded to a whole number, for log lines.
    package var wholeSeconds: Int64 {
        Int64(inSeconds.rounded())
    }

    /// Whole milliseconds, truncated.
    package var inMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// Whole microseconds, truncated.
    package var inMicroseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds &* 1_000_000 &+ attoseconds / 1_000_000_000_000
    }

    /// Whole nanoseconds, truncated.
    package var inNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
    }
}
