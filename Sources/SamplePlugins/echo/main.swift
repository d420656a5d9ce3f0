import PluginProtocol

// Answers success for every message, forwarding it unchanged: the benchmark baseline.
Plugin.run { _ in .success() }
