using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Farcluss.Training;

/// <summary>
/// An ablation's results: STEM.json (the runs) and STEM.md (their table, naming the JSON's SHA-256), as
/// `farcluss ablate --out STEM` writes them. Several commands may add runs to one stem at once (two
/// `ablate --only` in two terminals), so every change is a merge under a lock: the lock file
/// <c>.NAME.lock</c> beside the stem is held (an exclusive flock, dropped by the kernel when the process
/// ends, even killed), STEM.json is read again, the new run replaces its (variant, seed) row, and the JSON
/// then the table are replaced whole. The lock is held for milliseconds, not for a run's minutes, so a
/// second command waits for it rather than being refused, and no row of either is lost. As a run folder's
/// <c>.lock</c>, the empty lock file stays. Taught with the ablation in notebook 07.
/// </summary>
public sealed partial class ResultsStem
{
    /// <summary>Largest STEM.json read (64 MiB; the committed one is under 100 KB).</summary>
    public const long MaxJsonBytes = 64L << 20;

    /// <summary>How long a command waits for another one's lock before giving up.</summary>
    public static readonly TimeSpan LockWait = TimeSpan.FromMinutes(2);

    /// <summary>The stem (a path without extension).</summary>
    public string Stem { get; }
    public string JsonPath => Stem + ".json";
    public string TablePath => Stem + ".md";
    string LockPath => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(Stem))!, $".{Path.GetFileName(Stem)}.lock");

    /// <summary>The stem as <c>--out</c> gives it; a folder (ending in '/', or '.' or '..') means FOLDER/ablation,
    /// so that `--out R2/` writes R2/ablation.json, not a hidden R2/.json.</summary>
    public ResultsStem(string stem)
    {
        if (string.IsNullOrWhiteSpace(stem)) throw new KitException("--out needs a results file stem, such as results/ablation");
        bool folder = stem.EndsWith('/') || stem.EndsWith(Path.DirectorySeparatorChar) || Path.GetFileName(stem) is "." or "..";
        Stem = folder ? Path.Combine(stem, "ablation") : stem;
    }

    /// <summary>STEM.json's report, or null when there is none yet.</summary>
    public AblationReport? Read() => ReadText() is { } json ? AblationReport.FromJson(json, JsonPath) : null;

    string? ReadText() => File.Exists(JsonPath) || Directory.Exists(JsonPath)
        ? RegularFile.ReadAllText(JsonPath, MaxJsonBytes, "results file")
        : null;

    /// <summary>
    /// Adds <paramref name="run"/> to STEM.json under the lock, replacing the row of its variant and seed, and
    /// rewrites the table. The file's other rows are those on disk now (another command may have added some
    /// since this one started); they must have been made with the same settings as <paramref name="template"/>
    /// (<see cref="AblationReport.MergeDifferences"/>), unless <paramref name="startAfresh"/> drops them (--replace).
    /// Returns the report written.
    /// </summary>
    public AblationReport Add(AblationReport template, AblationRun run, bool startAfresh)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(Stem))!);
        using var held = Lock();
        var onDisk = startAfresh ? null : Read();
        if (onDisk is not null)
        {
            var differences = AblationReport.MergeDifferences(onDisk, template);
            if (differences.Count > 0)
                throw new KitException($"another command rewrote these results with other settings meanwhile ({string.Join("; ", differences)}); " +
                                       $"the run {run.Variant} seed {run.Seed} was not saved: write it elsewhere with --out", JsonPath);
        }
        var runs = onDisk?.Runs ?? [];
        runs.RemoveAll(r => r.Variant == run.Variant && r.Seed == run.Seed);
        runs.Add(run);
        var report = template with { Runs = runs };
        var json = AblationReport.ToJson(report);
        AtomicFile.WriteAllText(JsonPath, json);
        WriteTable(report, json);
        return report;
    }

    /// <summary>What the table shows against the JSON: <c>Shown</c> is the SHA-256 STEM.md names (null: no table, or
    /// one that names none), <c>Actual</c> the SHA-256 of STEM.json.</summary>
    public sealed record TableStatus(string? Shown, string Actual, int Runs)
    {
        public bool Current => Shown == Actual;
    }

    /// <summary>STEM.md made again from STEM.json (under the lock); returns what the table showed before.</summary>
    public TableStatus RewriteTable()
    {
        if (ReadText() is null) throw new KitException("no results file to make a table from", JsonPath); // before the lock file is made
        using var held = Lock();
        var status = Status(out var report, out var json);
        WriteTable(report, json);
        return status;
    }

    /// <summary>Whether STEM.md shows STEM.json as it is, read under the lock when there is one (a reader then never sees
    /// the JSON of one save and the table of the one before).</summary>
    public TableStatus Check()
    {
        using var held = File.Exists(LockPath) ? Lock() : null;
        return Status(out _, out _);
    }

    TableStatus Status(out AblationReport report, out string json)
    {
        json = ReadText() ?? throw new KitException("no results file to make a table from", JsonPath);
        report = AblationReport.FromJson(json, JsonPath);
        string? shown = null;
        if (File.Exists(TablePath))
        {
            var match = TableHash().Match(RegularFile.ReadAllText(TablePath, MaxJsonBytes, "results table"));
            if (match.Success) shown = match.Groups[1].Value;
        }
        return new TableStatus(shown, Sha256(json), report.Runs.Count);
    }

    void WriteTable(AblationReport report, string json) =>
        AtomicFile.WriteAllText(TablePath, AblationReport.ToMarkdown(report, json, Path.GetFileName(JsonPath)));

    static string Sha256(string json) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));

    [GeneratedRegex(@"^Made from `[^`\n]*`, SHA-256 `([0-9a-f]{64})`\.", RegexOptions.Multiline)]
    private static partial Regex TableHash();

    /// <summary>Takes the lock, waiting (up to <see cref="LockWait"/>) while another command holds it.</summary>
    FileStream Lock()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                // On Linux and macOS .NET maps FileShare.None to an exclusive flock, which another process's open fails on.
                return new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException e) when (e.HResult == 11 || e.Message.Contains("being used by another process"))
            {
                if (clock.Elapsed > LockWait)
                    throw new KitException($"another farcluss command has held the results' lock {LockPath} for {LockWait.TotalMinutes:F0} minutes", JsonPath, e);
                Thread.Sleep(50);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new KitException($"cannot lock the results ({e.Message})", JsonPath, e);
            }
        }
    }
}
