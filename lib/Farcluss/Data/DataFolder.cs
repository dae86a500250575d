namespace Farcluss.Data;

/// <summary>
/// Where the kit's data lives: $FARCLUSS_DATA, else data/ under $FARCLUSS_HOME (the repository, set by
/// ./farcluss), else ./data. The data scripts write there (mnist/, voc/, cityscapes/, splits/,
/// weights/), and relative paths in the full-scale settings (split lists, backbone weights) are read
/// from there, so one preset works wherever the kit is run from.
/// </summary>
public static class DataFolder
{
    public static string Root()
    {
        if (Environment.GetEnvironmentVariable("FARCLUSS_DATA") is { Length: > 0 } data) return data;
        var home = Environment.GetEnvironmentVariable("FARCLUSS_HOME");
        return Path.Combine(home is { Length: > 0 } ? home : ".", "data");
    }

    /// <summary>An absolute path as it is; a relative one under <see cref="Root"/>.</summary>
    public static string Resolve(string path) => Path.IsPathRooted(path) ? path : Path.Combine(Root(), path);
}
