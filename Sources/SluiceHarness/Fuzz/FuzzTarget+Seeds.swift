import Supervisor
extension FuzzTarget {
    /// Valid inputs to start from, covering each part of the format.
    public var seeds: [[UInt8]] {
        let texts: [String]
        switch self {
        case .responseFrame:
            texts = [
                #"{"id":"17","verdict":"success"}"#,
                #"{"id":"18","verdict":"permanent","reason":"temperature 900 outside -50..60"}"#,
                #"{"id":"19","verdict":"success","value":{"sensor":"s-7","v":[21.5,-1e3,true,null]},"headers":{"by":"v2"}}"#,
                #"{"id":"20","verdict":"success","text":"caf\u00e9 \ud83d\ude00 \"q\" \\ \n"}"#,
                #"{"id":"21","verdict":"success","base64":"AAEC/w=="}"#,
                #"{"id":"22","verdict":"transient","reason":"busy","retry_after_ms":1500,"extra":{"ignored":[1]}}"#,
            ]
        case .requestFrame:
            texts = [
                #"sensor-7{"trace":"abc"}{"sensor_id":"sensor-7","value":21.5}"#, "key\u{0}nul text \u{7f}", "k\r\nh{ \"a\" :\n[1 ,2] }",
                "[[[[[[[[[[[[]]]]]]]]]]]]", "\u{e9}\u{1F600}\\\"", "-0.5e-3true",
            ]
        case .configFile:
            texts = [
                """
                [pipeline]
                brokers = "localhost:9092"
                group = "g"
                input_topic = "in"
                success_topic = "ok"
                transient_topic = "retry"
                permanent_topic = "dead"
                [plugin]
                command = ["cat"]
                workers = 4
                message_timeout = 2.5
                protocol = "json"
                [retries]
                mode = "on"
                delay = 1
                [daemon]
                max_buffered = 1000
                control_socket = "/tmp/s.sock"
                [log]
                level = "info"
                [metrics]
                address = "127.0.0.1:0"
                [kafka]
                "client.id" = "x"
                "sasl.password" = { env = "FUZZ_SECRET" }
                [kafka.consumer]
                "fetch.max.bytes" = 1048576
                [kafka.producer]
                "linger.ms" = 10
                """
            ]
        }
        return texts.map { Array($0.utf8) } + [[0xff, 0xfe, 0x00, 0x0a]]
    }

    /// Tokens a mutation may insert: the format's own syntax and values at its edges.
    var dictionary: [[UInt8]] {
        let tokens = [
            "{", "}", "[", "]", "\"", ":", ",", "\\", "\\u", "\\ud800", "\\u0000", "\n", "\r", " ", "null", "true", "false",
            "0", "-", "1e400", "-9223372036854775809", "18446744073709551616", "0.000000001", "\"id\"", "\"verdict\"",
            "\"value\"", "\"text\"", "\"base64\"", "\"headers\"", "\"retry_after_ms\"", "\"success\"", "\"transient\"",
            "[plugin]", "[kafka]", "[kafka.consumer]", "[[x]]", "=", "{ env = \"FUZZ_SECRET\" }", "{ file = \"/\" }",
            "\"\"\"", "'''", "#", "1979-05-27T07:32:00Z", "inf", "nan", "0x7f", "workers", "command",
        ]
        return tokens.map { Array($0.utf8) } + [[0x00], [0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80]]
    }
}
