/// The plugin protocol version sluiced speaks, which plugins see in
/// `SLUICE_PROTOCOL_VERSION`. 1.1 added `drop`, `outputs`, `key` and header removal; every
/// 1.0 plugin keeps working unchanged.
public enum ProtocolVersion {
    public static let current = "1.1"
}
