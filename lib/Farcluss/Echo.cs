namespace Farcluss;

/// <summary>
/// A value a user gave, quoted in an error message at a bounded length: a 50 MB string in a config file
/// must give a one-line error, not a 50 MB one. A value longer than <see cref="MaxLength"/> characters is
/// cut there and its whole length is said, so the user still sees what it began with and how big it was.
/// </summary>
public static class Echo
{
    /// <summary>Most characters of one value an error message quotes.</summary>
    public const int MaxLength = 200;

    /// <summary>Most characters of a whole error line the CLI prints (a last guard; each value is cut first).</summary>
    public const int MaxLineLength = 2000;

    /// <summary><paramref name="value"/> in single quotes, cut to <see cref="MaxLength"/> characters:
    /// <c>'abc…' (50000000 characters)</c>. Line breaks are shown as \n so the message stays one line.</summary>
    public static string Quote(string? value)
    {
        if (value is null) return "null";
        return value.Length <= MaxLength
            ? $"'{OneLine(value)}'"
            : $"'{OneLine(value[..MaxLength])}…' ({value.Length} characters)";
    }

    /// <summary>An error line cut to <see cref="MaxLineLength"/> characters, keeping its start and its end
    /// (which usually says what to do), and made one line.</summary>
    public static string Line(string message)
    {
        message = OneLine(message);
        if (message.Length <= MaxLineLength) return message;
        int keep = MaxLineLength / 2 - 20;
        return $"{message[..keep]} … [{message.Length - 2 * keep} characters cut] … {message[^keep..]}";
    }

    /// <summary>A message from a library (System.Text.Json names an unknown key in quotes) with every quoted
    /// value longer than <see cref="MaxLength"/> cut as <see cref="Quote"/> cuts it.</summary>
    public static string QuotedWithin(string message) =>
        System.Text.RegularExpressions.Regex.Replace(message, "'([^']{" + (MaxLength + 1) + ",})'", m => Quote(m.Groups[1].Value));

    static string OneLine(string text) => text.Replace("\r", "\\r").Replace("\n", "\\n");
}
