namespace Farcluss;

/// <summary>
/// The kit's own error: something a user gave it (a file, a setting, a checkpoint) is wrong.
/// The message names the file (when there is one) and the problem, so the CLI can print it as
/// one line and exit non-zero instead of showing a stack trace from deep inside a dependency.
/// </summary>
public class KitException : Exception
{
    /// <summary>The file the problem is in, or null when it is not about a file.</summary>
    public string? FilePath { get; }

    public KitException(string message, string? filePath = null, Exception? inner = null)
        : base(filePath is null ? message : $"{filePath}: {message}", inner)
        => FilePath = filePath;
}
