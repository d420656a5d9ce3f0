/// The version sluiced and sluicectl report.
public enum SluiceVersion {
    public static let current = "0.1.0"
}
