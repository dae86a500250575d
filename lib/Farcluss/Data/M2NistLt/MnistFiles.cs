namespace Farcluss.Data;

/// <summary>
/// Where the four MNIST IDX files of a data folder are. Each may be raw or gzip-compressed
/// (<c>train-images-idx3-ubyte</c> or <c>train-images-idx3-ubyte.gz</c>); <see cref="IdxReader"/>
/// tells the two apart by content. <c>data-scripts/fetch-mnist.sh</c> puts them in
/// <c>${FARCLUSS_DATA:-data}/mnist/</c>. Taught in notebook 00.
/// </summary>
public sealed record MnistFiles(string TrainImages, string TrainLabels, string TestImages, string TestLabels)
{
    /// <summary>The file names MNIST's distribution uses (without a .gz suffix).</summary>
    public static readonly IReadOnlyList<string> FileNames =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>What to tell a user whose MNIST files are missing.</summary>
    public const string FetchHint = "run data-scripts/fetch-mnist.sh (or `./farcluss data fetch`) to download them";

    /// <summary>The folder fetch-mnist.sh writes to: <c>$FARCLUSS_DATA/mnist</c>; else <c>data/mnist</c> under the
    /// repository (<c>$FARCLUSS_HOME</c>, set by the launchers); else <c>data/mnist</c> under the working directory.</summary>
    public static string DefaultDirectory()
    {
        if (Environment.GetEnvironmentVariable("FARCLUSS_DATA") is { Length: > 0 } data) return Path.Combine(data, "mnist");
        var home = Environment.GetEnvironmentVariable("FARCLUSS_HOME");
        return Path.Combine(home is { Length: > 0 } ? home : ".", "data", "mnist");
    }

    /// <summary>Finds the four files in <paramref name="directory"/> or, if it is a data root, in its
    /// <c>mnist/</c> subfolder. Throws a <see cref="KitException"/> listing what is missing.</summary>
    public static MnistFiles Locate(string directory)
    {
        if (TryLocate(directory, out var files)) return files!;
        var missing = FileNames.Where(name => Find(directory, name) is null && Find(Path.Combine(directory, "mnist"), name) is null);
        throw new KitException($"MNIST files missing ({string.Join(", ", missing)}, raw or .gz): {FetchHint}", directory);
    }

    /// <summary>Like <see cref="Locate"/> but returns false instead of throwing.</summary>
    public static bool TryLocate(string directory, out MnistFiles? files)
    {
        foreach (var folder in new[] { directory, Path.Combine(directory, "mnist") })
        {
            var paths = FileNames.Select(name => Find(folder, name)).ToArray();
            if (paths.All(p => p is not null))
            {
                files = new MnistFiles(paths[0]!, paths[1]!, paths[2]!, paths[3]!);
                return true;
            }
        }
        files = null;
        return false;
    }

    /// <summary>Reads both pairs and checks that every label is a digit 0–9.</summary>
    public (MnistDigits Train, MnistDigits Test) Load() =>
        (MnistDigits.Load(TrainImages, TrainLabels), MnistDigits.Load(TestImages, TestLabels));

    static string? Find(string folder, string name)
    {
        var raw = Path.Combine(folder, name);
        if (File.Exists(raw)) return raw;
        var gz = raw + ".gz";
        return File.Exists(gz) ? gz : null;
    }
}
