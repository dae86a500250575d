namespace Farcluss.Data;

/// <summary>
/// A split list: which images (and masks) of a dataset folder a split uses. A line is either an id
/// (<c>2007_000032</c>, as VOC's <c>ImageSets/Segmentation/*.txt</c>: image
/// <c>JPEGImages/id.jpg</c>, mask <c>SegmentationClass/id.png</c>) or two paths relative to the
/// dataset root separated by whitespace (<c>JPEGImages/a.jpg SegmentationClass/a.png</c>, or
/// <c>leftImg8bit/train/… gtFine/train/…_gtFine_labelTrainIds.png</c>: UniMatch's split files).
/// A file name with spaces: separate the fields of its line with a tab (<c>JPEGImages/my cat.jpg⇥SegmentationClass/my cat.png</c>);
/// a line holding a tab is split at tabs only, each field trimmed. Other lines are split at any whitespace.
/// Blank lines are skipped; a last line without a newline counts (UniMatch's files end so). The list must be a
/// regular file of at most <see cref="MaxBytes"/> (Cityscapes' longest list is under 1 MB).
/// Every path must stay inside the root and exist. Every problem is a <see cref="KitException"/>
/// naming the list and the line. Taught in notebook 09.
/// </summary>
public static class SplitList
{
    /// <summary>One line's files, absolute.</summary>
    public sealed record Entry(string ImagePath, string MaskPath);

    /// <summary>Reads and checks <paramref name="splitFile"/> against the dataset root <paramref name="root"/>.</summary>
    public static IReadOnlyList<Entry> Read(string root, string splitFile)
    {
        if (!Directory.Exists(root)) throw new KitException("dataset root folder not found", root);
        string rootFull = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var lines = RegularFile.ReadAllText(splitFile, MaxBytes, "split list").Split('\n');

        var entries = new List<Entry>();
        for (int n = 0; n < lines.Length; n++)
        {
            var fields = Fields(lines[n]);
            if (fields.Length == 0) continue;
            var (imageRelative, maskRelative) = fields.Length switch
            {
                1 => ($"JPEGImages/{fields[0]}.jpg", $"SegmentationClass/{fields[0]}.png"),
                2 => (fields[0], fields[1]),
                _ => throw new KitException($"line {n + 1}: expected an id or 'image_path mask_path', got {fields.Length} fields " +
                                            "(a file name with spaces: separate the two paths with a tab)", splitFile),
            };
            entries.Add(new Entry(Resolve(rootFull, imageRelative, splitFile, n + 1), Resolve(rootFull, maskRelative, splitFile, n + 1)));
        }
        if (entries.Count == 0) throw new KitException("split list is empty", splitFile);
        return entries;
    }

    /// <summary>Largest split list read (64 MiB).</summary>
    public const long MaxBytes = 64L << 20;

    /// <summary>A line's fields: at tabs when it holds one (names may then hold spaces), else at any whitespace.</summary>
    public static string[] Fields(string line) => line.Contains('\t')
        ? line.Split('\t', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        : line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A path from a split list, made absolute; refuses absolute paths, paths that leave
    /// the root (a split list is data, and data must not point the kit at arbitrary files), and missing files.
    /// The check is on the path's text: a symbolic link inside the root is followed, as the user who made it intended.</summary>
    static string Resolve(string rootFull, string relative, string splitFile, int line)
    {
        if (Path.IsPathRooted(relative))
            throw new KitException($"line {line}: {Echo.Quote(relative)} is an absolute path; split lists hold paths relative to the dataset root", splitFile);
        string full = Path.GetFullPath(Path.Combine(rootFull, relative));
        if (!full.StartsWith(rootFull + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new KitException($"line {line}: {Echo.Quote(relative)} points outside the dataset root {rootFull}", splitFile);
        if (!File.Exists(full))
            throw new KitException($"line {line}: file {Echo.Quote(relative)} does not exist under {rootFull}", splitFile);
        return full;
    }
}
