/// The program's release, as `disclosure --version` and the server's `/api/v1/office` report it.
public enum ProgramVersion {
    /// Semantic version; the minor number counts the capabilities added since 0.1.
    public static let number = "0.16.0"
}
