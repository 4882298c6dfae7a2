/// Bounds of the Connect protocol pieces.
public enum ConnectLimits {
    /// Digits a `Connect-Timeout-Ms` value may have: 10, as the Connect protocol allows
    /// (about 115 days; longer values are not timeouts anyone means).
    public static let maximumTimeoutDigits = 10

    /// Envelope prefix size: one flag byte and a 4-byte big-endian length.
    public static let envelopePrefixBytes = 5
}
