using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Farcluss.Config;
using Farcluss.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Training;

/// <summary>
/// One file holding everything a run needs to continue or to be evaluated: a JSON header (format,
/// architecture, classes, step, skipped steps, config), student, teacher, projection head, optimizer,
/// then the method's state as <see cref="Trainer.MethodState"/> lists it (rebalancer frequencies,
/// prototype memory, the open log interval's sums), in that list's order. Written atomically
/// (temporary file, flush, rename), so a kill mid-write leaves the previous checkpoint intact. Data
/// order and augmentation need no state: they are functions of (seed, step), the random-generator
/// state of step t being <c>StepRandom.ForStep(seed, t)</c>. A resumed run ends bitwise identical to
/// an uninterrupted one (tested by killing the CLI). Loading checks the architecture and class count
/// first; a damaged file is a <see cref="KitException"/>. The format is the kit's own (a JSON header
/// and TorchSharp's state-dict encoding): it holds numbers and names only, never code.
/// Since format 3 the file ends with a trailer: the SHA-256 of every byte before it, then their count
/// (8 bytes, little-endian). Both eval and --resume check it before reading a weight, so a file cut
/// short, padded or with one byte changed is refused, not half-loaded.
/// </summary>
public static class Checkpoint
{
    const string Magic = "FARCLUSS-CHECKPOINT";
    /// <summary>2 added skipped steps and the open log interval; format 1 files still load (interval empty).
    /// 3 added the checksum trailer; format 1 and 2 files still load, checked by their length only.</summary>
    const int FormatVersion = 3;
    const int TrailerLength = 32 + 8; // SHA-256, then the length it covers
    /// <summary>A JSON header longer than this is not the kit's (its own are a few kilobytes).</summary>
    const int MaxHeaderBytes = 1 << 20;

    public sealed record Header(int Format, string Architecture, int NumClasses, int InChannels, long Step, string ConfigJson,
        int BadSteps = 0, int IntervalSteps = 0, int IntervalSkipped = 0);

    public static void Save(Trainer trainer, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        try
        {
            WriteTemporary(trainer, temporary);
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Disk full or a folder that became read-only: no half checkpoint stays behind to fill the disk.
            AtomicFile.TryDelete(temporary);
            throw new KitException($"could not write the checkpoint ({e.Message}); the previous checkpoint, if any, is unchanged", path, e);
        }
    }

    static void WriteTemporary(Trainer trainer, string temporary)
    {
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.ReadWrite, FileShare.None))
        using (var writer = new BinaryWriter(stream))
        {
            var header = new Header(FormatVersion, trainer.Student.Architecture, trainer.Data.NumClasses, trainer.Data.Channels,
                trainer.Step, ConfigFile.ToJson(trainer.Config), trainer.BadSteps, trainer.Diagnostics.IntervalSteps, trainer.Diagnostics.IntervalSkipped);
            writer.Write(Magic);
            writer.Write(JsonSerializer.Serialize(header));
            trainer.Student.save(writer);
            trainer.Teacher.save(writer);
            writer.Write(trainer.Head is not null);
            trainer.Head?.save(writer);
            trainer.Optimizer.save_state_dict(writer);
            foreach (var state in trainer.MethodState) WriteOptional(writer, state.Tensor);
            writer.Flush();
            long payload = stream.Position;
            stream.Position = 0;
            var hash = SHA256.HashData(stream);
            stream.Position = payload;
            writer.Write(hash);
            writer.Write(payload);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
    }

    public static Header ReadHeader(BinaryReader reader, string path)
    {
        RefusePythonPickles(reader.BaseStream, path);
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
            var header = JsonSerializer.Deserialize<Header>(Encoding.UTF8.GetString(reader.ReadBytes(length)))
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
    /// the trailer's length and SHA-256 over every byte before it. Returns the reader placed after the
    /// header and where the sections end.
    /// </summary>
    static (BinaryReader Reader, Header Header, long SectionsEnd) OpenChecked(string path)
    {
        if (Directory.Exists(path))
            throw new KitException("this is a folder; a checkpoint is a file (a run folder's checkpoint.bin)", path);
        if (!File.Exists(path)) throw new KitException("checkpoint not found", path);
        var reader = new BinaryReader(File.OpenRead(path));
        try
        {
            var header = ReadHeader(reader, path);
            long sectionsEnd = reader.BaseStream.Length;
            if (header.Format >= 3)
            {
                var stream = reader.BaseStream;
                long afterHeader = stream.Position;
                if (stream.Length < afterHeader + TrailerLength) throw new KitException("checkpoint is truncated (no checksum at its end)", path);
                stream.Position = stream.Length - TrailerLength;
                var expected = reader.ReadBytes(32);
                long covered = reader.ReadInt64();
                if (covered < afterHeader || covered > stream.Length)
                    throw new KitException($"checkpoint is damaged (or cut short): its last {TrailerLength} bytes are not the checksum trailer " +
                                           $"the kit writes (the file has {stream.Length} bytes)", path);
                if (covered != stream.Length - TrailerLength)
                    throw new KitException($"checkpoint is damaged: it says it holds {covered + TrailerLength} bytes, the file has {stream.Length}" +
                                           (covered > stream.Length - TrailerLength ? " (cut short?)" : ""), path);
                stream.Position = 0;
                using (var bounded = new BoundedStream(stream, covered))
                    if (!SHA256.HashData(bounded).AsSpan().SequenceEqual(expected))
                        throw new KitException("checkpoint is damaged: its SHA-256 does not match its contents", path);
                stream.Position = afterHeader;
                sectionsEnd = covered;
            }
            return (reader, header, sectionsEnd);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>Reads a checkpoint's header after checking the whole file (checksum, length); builds nothing.</summary>
    public static Header ReadCheckedHeader(string path)
    {
        var (reader, header, _) = OpenChecked(path);
        reader.Dispose();
        return header;
    }

    /// <summary>The first <c>length</c> bytes of a stream, read-only, leaving the stream open.</summary>
    sealed class BoundedStream(Stream inner, long length) : Stream
    {
        long _left = length;
        public override int Read(byte[] buffer, int offset, int count)
        {
            int read = inner.Read(buffer, offset, (int)Math.Min(count, _left));
            _left -= read;
            return read;
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing) { } // the inner stream belongs to the caller
    }

    /// <summary>
    /// A PyTorch .pth/.pt file is a zip archive holding a pickle, or a bare pickle; unpickling runs
    /// whatever the file says (any Python callable), so the kit reads none, and says so plainly
    /// instead of "bad magic".
    /// </summary>
    static void RefusePythonPickles(Stream stream, string path)
    {
        if (!stream.CanSeek) return;
        long start = stream.Position;
        Span<byte> head = stackalloc byte[4];
        int read = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        stream.Position = start;
        bool zip = read == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
        bool pickle = read >= 2 && head[0] == 0x80 && head[1] is >= 2 and <= 5; // PROTO opcode, protocols 2–5
        if (zip || pickle)
            throw new KitException($"this is a {(zip ? "zip archive" : "Python pickle")} (a PyTorch .pth/.pt file?), not a FARCLUSS " +
                                   "checkpoint; the kit does not load PyTorch pickles, because loading one can run code from the file " +
                                   "(README, \"What is trusted\")", path);
    }

    /// <summary>Loads the teacher (the reported model) for evaluation or prediction.</summary>
    public static (SegmentationModel Model, Header Header) LoadTeacher(string path, Device device)
    {
        var (reader, header, _) = OpenChecked(path);
        using var _ = reader;
        var config = ConfigFile.Parse(header.ConfigJson, new TrainingConfig(), path);
        var modelSettings = config.Model with { NumClasses = header.NumClasses, InChannels = header.InChannels };
        RequireRoomFor(modelSettings, reader.BaseStream.Length, path);
        var model = ModelFactory.Create(modelSettings);
        if (model.Architecture != header.Architecture)
            throw new KitException($"checkpoint was saved from '{header.Architecture}' but its config builds '{model.Architecture}'", path);
        using (var scratch = ModelFactory.Create(config.Model with { NumClasses = header.NumClasses, InChannels = header.InChannels }))
            LoadModule(scratch, reader, path); // the student, skipped
        LoadModule(model, reader, path);
        model.to(device);
        model.eval();
        return (model, header);
    }

    /// <summary>
    /// Refuses to continue a checkpoint with settings that would change its run (<c>train --resume</c>): the
    /// header holds the config the run was trained with; every difference but bookkeeping and execution
    /// (<see cref="ConfigDifference"/>) is named in the error.
    /// </summary>
    public static void RequireSameSettings(string path, TrainingConfig requested)
    {
        var header = ReadCheckedHeader(path);
        var recorded = ConfigFile.Parse(header.ConfigJson, new TrainingConfig(), path);
        var differences = ConfigDifference.Between(recorded, requested, ConfigDifference.Bookkeeping.Concat(ConfigDifference.Execution));
        if (differences.Count > 0)
            throw new KitException($"this run was trained with other settings than asked now ({string.Join("; ", differences)}); " +
                                   "a resumed run keeps its settings (only log_every, eval_every, checkpoint_every, max_bad_steps, threads and " +
                                   "device may change): resume with the run's own config, or start a new run with another --out", path);
    }

    /// <summary>
    /// A checkpoint holds at least two copies (student and teacher) of every parameter at 4 bytes each, so the
    /// model its header names must fit in 8 bytes a parameter of the file: checked before the model is built,
    /// so that a small file cannot make the kit allocate gigabytes for a model it does not hold.
    /// </summary>
    static void RequireRoomFor(ModelSettings settings, long fileLength, string path)
    {
        long count;
        try { count = ModelFactory.ParameterCount(settings); }
        catch (KitException e) { throw new KitException($"checkpoint header describes a model the kit cannot build ({e.Message})", path, e); }
        if (8 * count > fileLength)
            throw new KitException($"checkpoint header describes a model of {count:N0} parameters, which needs at least {8 * count:N0} bytes, " +
                                   $"but the file has {fileLength:N0}", path);
    }

    /// <summary>Restores a trainer built from the same config to the checkpoint's state (--resume).</summary>
    public static void Restore(Trainer trainer, string path)
    {
        var (reader, header, sectionsEnd) = OpenChecked(path);
        using var _ = reader;
        if (header.Architecture != trainer.Student.Architecture || header.NumClasses != trainer.Data.NumClasses
            || header.InChannels != trainer.Data.Channels)
            throw new KitException($"checkpoint is '{header.Architecture}' with {header.NumClasses} classes and {header.InChannels} channel(s), " +
                                   $"but this run builds '{trainer.Student.Architecture}' with {trainer.Data.NumClasses} and {trainer.Data.Channels}", path);
        if (header.Step < 0 || header.Step > trainer.Config.Steps || header.BadSteps < 0 || header.IntervalSteps < 0)
            throw new KitException($"checkpoint is at step {header.Step} of a run of {trainer.Config.Steps} steps: " +
                                   "resume with the same --steps and config it was trained with", path);
        try
        {
            ReadState(trainer, reader, header, sectionsEnd, path);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or InvalidDataException or ArgumentException)
        {
            // A file cut short or damaged after its header (TorchSharp reports those as plain .NET errors).
            throw new KitException($"checkpoint is damaged or does not fit this run ({e.Message})", path, e);
        }
    }

    static void ReadState(Trainer trainer, BinaryReader reader, Header header, long sectionsEnd, string path)
    {
        LoadModule(trainer.Student, reader, path);
        LoadModule(trainer.Teacher, reader, path);
        bool hasHead = reader.ReadBoolean();
        if (hasHead != trainer.Head is not null) throw new KitException("checkpoint and run disagree on the projection head (method.contrast)", path);
        if (trainer.Head is not null) LoadModule(trainer.Head, reader, path);
        trainer.Optimizer.load_state_dict(reader);
        // Format 1 files end before the log interval's state (it then starts empty).
        var intervalState = StepDiagnostics.StateOf(null).Select(s => s.Name).ToHashSet();
        foreach (var state in trainer.MethodState.Where(s => header.Format >= 2 || !intervalState.Contains(s.Name)))
            ReadOptional(reader, state.Tensor, state.Name, path);
        if (reader.BaseStream.Position != sectionsEnd)
            throw new KitException("checkpoint has unexpected bytes after its last section", path);
        trainer.RestoreCounters(header.Step, header.BadSteps, header.Format >= 2 ? header.IntervalSteps : 0, header.IntervalSkipped);
    }

    static void LoadModule(nn.Module module, BinaryReader reader, string path)
    {
        try { module.load(reader, strict: true); }
        catch (Exception e) when (e is not KitException)
        {
            throw new KitException($"checkpoint weights do not fit this model ({e.Message})", path, e);
        }
    }

    static void WriteOptional(BinaryWriter writer, Tensor? tensor)
    {
        writer.Write(tensor is not null);
        if (tensor is null) return;
        using var cpu = tensor.detach().cpu();
        var bytes = cpu.bytes.ToArray();
        writer.Write((int)cpu.dtype);
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    static void ReadOptional(BinaryReader reader, Tensor? target, string name, string path)
    {
        bool present = reader.ReadBoolean();
        if (present != target is not null)
            throw new KitException($"checkpoint and run disagree on the method's state ({name}: rebalancing or prototypes)", path);
        if (!present) return;
        var dtype = (ScalarType)reader.ReadInt32();
        int length = reader.ReadInt32();
        // Checked before reading, so a damaged length cannot make us allocate gigabytes.
        if (dtype != target!.dtype || length != target.NumberOfElements * target.ElementSize)
            throw new KitException($"checkpoint state tensor {name} has the wrong type or size", path);
        var bytes = reader.ReadBytes(length);
        if (bytes.Length != length) throw new KitException("checkpoint is truncated", path);
        using var _ = no_grad();
        using var cpu = empty(target.shape, dtype);
        cpu.bytes = bytes;
        target.copy_(cpu);
    }
}
