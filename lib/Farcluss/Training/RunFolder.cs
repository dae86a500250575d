namespace Farcluss.Training;

/// <summary>
/// A run folder (metrics.jsonl, config.json, checkpoint.bin) held by one command at a time. The hold is
/// an exclusive lock on the folder's <c>.lock</c> file, taken before anything is written and kept for the
/// run's lifetime; the operating system drops it when the process ends, even when killed, so a stale lock
/// never blocks. The empty <c>.lock</c> file itself stays (removing it would let a waiting command lock a
/// file nobody else sees). A folder that already holds a run is refused unless the run is resumed or
/// replaced on purpose, so a second <c>train</c> never mixes two runs in one folder.
/// </summary>
public sealed class RunFolder : IDisposable
{
    public const string LockName = ".lock";
    /// <summary>The files a run writes; <see cref="Replace"/> removes these and nothing else.</summary>
    public static readonly string[] RunFiles = ["checkpoint.bin", "checkpoint.bin.tmp", "metrics.jsonl", "metrics.jsonl.tmp", "config.json", "config.json.tmp"];

    readonly FileStream _lock;
    readonly bool _madeFolder, _madeLock;
    public string Path { get; }

    RunFolder(string path, FileStream held, bool madeFolder, bool madeLock) => (Path, _lock, _madeFolder, _madeLock) = (path, held, madeFolder, madeLock);

    /// <summary>The entries of <paramref name="path"/> other than the lock file (none when it does not exist).</summary>
    public static string[] Contents(string path) =>
        Directory.Exists(path)
            ? Directory.EnumerateFileSystemEntries(path).Select(e => System.IO.Path.GetFileName(e)).Where(n => n != LockName).Order().ToArray()
            : [];

    /// <summary>Refuses a folder that already holds something, naming what and the two ways on.</summary>
    public static void RequireEmpty(string path)
    {
        var contents = Contents(path);
        if (contents.Length > 0)
            throw new KitException($"this run folder is not empty ({string.Join(", ", contents.Take(5))}{(contents.Length > 5 ? ", …" : "")}): " +
                                   "continue its run with --resume, replace it with --overwrite, or choose another --out", path);
    }

    /// <summary>Creates the folder if needed and locks it; refuses when another command holds it.</summary>
    public static RunFolder Acquire(string path)
    {
        try
        {
            bool madeFolder = !Directory.Exists(path);
            Directory.CreateDirectory(path);
            var lockPath = System.IO.Path.Combine(path, LockName);
            bool madeLock = !File.Exists(lockPath);
            // On Linux and macOS .NET maps FileShare.None to an exclusive advisory lock (flock), which a
            // second process's open of the same file fails on.
            var held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return new RunFolder(path, held, madeFolder, madeLock);
        }
        catch (IOException e) when (e.HResult == 11 || e.Message.Contains("being used by another process"))
        {
            throw new KitException("another farcluss command is using this run folder; wait for it to end or choose another --out", path, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KitException($"cannot write the run folder ({e.Message})", path, e);
        }
    }

    /// <summary>
    /// Refuses, before anything is made in it (not even the lock file), a folder that <c>--overwrite</c> may not
    /// replace: a symbolic link (its files are elsewhere, and replacing them through the link would change a
    /// folder the command never named), or a folder holding anything a run does not write (`/`, a repository).
    /// A folder that does not exist yet, or is empty, may be replaced.
    /// </summary>
    public static void RequireReplaceable(string path)
    {
        if (File.Exists(path)) throw new KitException("this is a file, not a run folder", path);
        if (new DirectoryInfo(System.IO.Path.TrimEndingDirectorySeparator(path)).LinkTarget is { } target)
            throw new KitException($"this run folder is a symbolic link (to {Echo.Quote(target)}): --overwrite replaces a run folder itself, " +
                                   "never through a link; give the folder's own path", path);
        var foreign = Contents(path).Except(RunFiles).ToArray();
        if (foreign.Length > 0)
            throw new KitException($"--overwrite replaces a run, but this folder also holds {string.Join(", ", foreign.Take(5).Select(Echo.Quote))}" +
                                   $"{(foreign.Length > 5 ? $" and {foreign.Length - 5} more" : "")}; choose another --out", path);
    }

    /// <summary>Removes the previous run's files (only the kit's own; anything else in the folder is refused).</summary>
    public void Replace()
    {
        RequireReplaceable(Path);
        foreach (var name in RunFiles) File.Delete(System.IO.Path.Combine(Path, name));
    }

    /// <summary>
    /// For a command that failed before writing anything: removes the lock file and the folder when this command
    /// made them and the folder holds nothing else, so a refused or failed command leaves no trace; then releases.
    /// </summary>
    public void ReleaseUnused()
    {
        bool unused = Contents(Path).Length == 0;
        if (unused && _madeLock) AtomicFile.TryDelete(System.IO.Path.Combine(Path, LockName));
        _lock.Dispose();
        if (unused && _madeFolder)
            try { Directory.Delete(Path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // not empty after all: leave it
    }

    public void Dispose() => _lock.Dispose();
}
