/// The version sluiced and sluicectl report; `current` is generated from the VERSION file
/// by the GenerateVersion build plugin.
public enum SluiceVersion {}
