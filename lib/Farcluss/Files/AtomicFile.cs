namespace Farcluss;

/// <summary>
/// Writes files so that a reader never sees half of one: temporary file, flush, rename. When the write
/// fails (disk full, a read-only folder) the temporary file is removed and the error names the file, so
/// the previous version stays whole and no partial copy keeps the disk full.
/// </summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string contents)
    {
        var temporary = path + ".tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(contents);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new KitException($"could not write ({e.Message}); the previous version, if any, is unchanged", path, e);
        }
    }

    /// <summary>Checks that <paramref name="folder"/> (created if missing) takes a new file, by writing and
    /// removing one; so a command fails in a second, not after minutes of training.</summary>
    public static void EnsureWritable(string folder)
    {
        var probe = Path.Combine(folder, $".write-test-{Environment.ProcessId}.tmp");
        try
        {
            Directory.CreateDirectory(folder);
            using (var stream = new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None)) stream.WriteByte(0);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(probe);
            throw new KitException($"cannot write here ({e.Message})", folder, e);
        }
    }

    /// <summary>Removes a file if it is there; a failure to remove it is not worth a second error.</summary>
    public static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
