using System.Text;
using System.Text.Json;

namespace Farcluss.Training;

/// <summary>
/// The envelope of a <see cref="Checkpoint"/>, whatever its sections hold: a magic string, a JSON
/// <see cref="CheckpointHeader"/>, the sections, then the <see cref="ChecksumTrailer"/> (format 3). Written
/// atomically (temporary file, flush, rename), so a kill mid-write leaves the previous checkpoint intact; read only
/// after the whole file is checked. A PyTorch pickle is refused by its first bytes (<see cref="TorchFiles"/>).
/// </summary>
public static class CheckpointFile
{
    const string Magic = "FARCLUSS-CHECKPOINT";
    /// <summary>The format written: 2 added skipped steps and the open log interval, 3 the checksum trailer; 1 and 2 still load.</summary>
    public const int FormatVersion = 3;
    /// <summary>A JSON header longer than this is not the kit's (its own are a few kilobytes).</summary>
    const int MaxHeaderBytes = 1 << 20;

    /// <summary>Writes magic, <paramref name="header"/>, the sections <paramref name="writeSections"/> writes and the trailer,
    /// to a temporary file renamed over <paramref name="path"/>.</summary>
    public static void Write(string path, CheckpointHeader header, Action<BinaryWriter> writeSections)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.ReadWrite, FileShare.None))
            using (var writer = new BinaryWriter(stream))
            {
                writer.Write(Magic);
                writer.Write(JsonSerializer.Serialize(header));
                writeSections(writer);
                writer.Flush();
                ChecksumTrailer.Append(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Disk full or a folder that became read-only: no half checkpoint stays behind to fill the disk.
            AtomicFile.TryDelete(temporary);
            throw new KitException($"could not write the checkpoint ({e.Message}); the previous checkpoint, if any, is unchanged", path, e);
        }
    }

    /// <summary>Reads the magic and the header from <paramref name="reader"/>, checking each field's range; checks no checksum.</summary>
    public static CheckpointHeader ReadHeader(BinaryReader reader, string path)
    {
        RefusePickles(reader.BaseStream, path);
        try
        {
            // Read by hand rather than with ReadString, so that a file of other bytes (a first byte ≥ 0x80,
            // a length of gigabytes) is "not a checkpoint" before anything is allocated for it.
            var magic = Encoding.ASCII.GetBytes(Magic);
            var head = reader.ReadBytes(1 + magic.Length);
            if (head.Length != 1 + magic.Length || head[0] != magic.Length || !head.AsSpan(1).SequenceEqual(magic))
                throw new KitException("not a FARCLUSS checkpoint (bad magic)", path);
            int length = reader.Read7BitEncodedInt();
            long left = reader.BaseStream.CanSeek ? reader.BaseStream.Length - reader.BaseStream.Position : long.MaxValue;
            if (length < 0 || length > MaxHeaderBytes || length > left)
                throw new KitException($"checkpoint header claims {length} bytes (at most {MaxHeaderBytes}, and {left} are left in the file)", path);
            var header = JsonSerializer.Deserialize<CheckpointHeader>(Encoding.UTF8.GetString(reader.ReadBytes(length)))
                         ?? throw new KitException("checkpoint header is empty", path);
            if (header.Format is < 1 or > FormatVersion)
                throw new KitException($"checkpoint format {header.Format} is not supported (this kit reads 1 to {FormatVersion})", path);
            if (string.IsNullOrEmpty(header.Architecture) || string.IsNullOrEmpty(header.ConfigJson))
                throw new KitException("checkpoint header lacks its architecture or its config", path);
            if (header.NumClasses is < 2 or > Labels.Ignore || header.InChannels is < 1 or > 4 || header.Step < 0
                || header.BadSteps < 0 || header.IntervalSteps < 0 || header.IntervalSkipped is < 0 || header.IntervalSkipped > header.IntervalSteps)
                throw new KitException($"checkpoint header declares {header.NumClasses} classes, {header.InChannels} channels, " +
                                       $"step {header.Step} (classes must be 2 to {Labels.Ignore}, channels 1 to 4)", path);
            return header;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or JsonException or FormatException or DecoderFallbackException)
        {
            throw new KitException($"not a readable FARCLUSS checkpoint ({e.Message})", path, e);
        }
    }

    /// <summary>
    /// Opens a checkpoint and checks it whole before anything is built from it: the header, then (format 3)
    /// the trailer. Returns the reader placed after the header and where the sections end.
    /// </summary>
    public static (BinaryReader Reader, CheckpointHeader Header, long SectionsEnd) Open(string path)
    {
        if (Directory.Exists(path))
            throw new KitException("this is a folder; a checkpoint is a file (a run folder's checkpoint.bin)", path);
        if (!File.Exists(path)) throw new KitException("checkpoint not found", path);
        var reader = new BinaryReader(File.OpenRead(path));
        try
        {
            var header = ReadHeader(reader, path);
            long sectionsEnd = header.Format >= 3
                ? ChecksumTrailer.Verify(reader.BaseStream, reader.BaseStream.Position, "checkpoint", path)
                : reader.BaseStream.Length;
            return (reader, header, sectionsEnd);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>Reads a checkpoint's header after checking the whole file (checksum, length); builds nothing.</summary>
    public static CheckpointHeader ReadCheckedHeader(string path)
    {
        var (reader, header, _) = Open(path);
        reader.Dispose();
        return header;
    }

    /// <summary>A .pth/.pt is a zip holding a pickle, or a bare pickle; unpickling runs whatever the file says, so the kit
    /// reads none here, and says so plainly instead of "bad magic".</summary>
    static void RefusePickles(Stream stream, string path)
    {
        var kind = TorchFiles.KindOf(stream);
        if (kind != TorchFileKind.Other)
            throw new KitException($"this is a {(kind == TorchFileKind.Zip ? "zip archive" : "Python pickle")} (a PyTorch .pth/.pt file?), not a FARCLUSS " +
                                   "checkpoint; the kit does not load PyTorch pickles, because loading one can run code from the file " +
                                   "(README, \"What is trusted\")", path);
    }
}
