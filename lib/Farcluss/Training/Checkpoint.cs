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
/// </summary>
public static class Checkpoint
{
    const string Magic = "FARCLUSS-CHECKPOINT";
    /// <summary>2 added skipped steps and the open log interval; format 1 files still load (interval empty).</summary>
    const int FormatVersion = 2;

    public sealed record Header(int Format, string Architecture, int NumClasses, int InChannels, long Step, string ConfigJson,
        int BadSteps = 0, int IntervalSteps = 0);

    public static void Save(Trainer trainer, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var writer = new BinaryWriter(stream))
        {
            var header = new Header(FormatVersion, trainer.Student.Architecture, trainer.Data.NumClasses, trainer.Data.Channels,
                trainer.Step, ConfigFile.ToJson(trainer.Config), trainer.BadSteps, trainer.Diagnostics.IntervalSteps);
            writer.Write(Magic);
            writer.Write(JsonSerializer.Serialize(header));
            trainer.Student.save(writer);
            trainer.Teacher.save(writer);
            writer.Write(trainer.Head is not null);
            trainer.Head?.save(writer);
            trainer.Optimizer.save_state_dict(writer);
            foreach (var state in trainer.MethodState) WriteOptional(writer, state.Tensor);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    public static Header ReadHeader(BinaryReader reader, string path)
    {
        RefusePythonPickles(reader.BaseStream, path);
        try
        {
            if (reader.ReadString() != Magic) throw new KitException("not a FARCLUSS checkpoint (bad magic)", path);
            var header = JsonSerializer.Deserialize<Header>(reader.ReadString())
                         ?? throw new KitException("checkpoint header is empty", path);
            if (header.Format is < 1 or > FormatVersion)
                throw new KitException($"checkpoint format {header.Format} is not supported (this kit reads 1 to {FormatVersion})", path);
            return header;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or JsonException)
        {
            throw new KitException($"not a readable FARCLUSS checkpoint ({e.Message})", path, e);
        }
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
        if (!File.Exists(path)) throw new KitException("checkpoint not found", path);
        using var reader = new BinaryReader(File.OpenRead(path));
        var header = ReadHeader(reader, path);
        if (header.NumClasses < 2 || header.InChannels < 1)
            throw new KitException($"checkpoint header declares {header.NumClasses} classes and {header.InChannels} channels", path);
        var config = ConfigFile.Parse(header.ConfigJson, new TrainingConfig(), path);
        var model = ModelFactory.Create(config.Model with { NumClasses = header.NumClasses, InChannels = header.InChannels });
        if (model.Architecture != header.Architecture)
            throw new KitException($"checkpoint was saved from '{header.Architecture}' but its config builds '{model.Architecture}'", path);
        using (var scratch = ModelFactory.Create(config.Model with { NumClasses = header.NumClasses, InChannels = header.InChannels }))
            LoadModule(scratch, reader, path); // the student, skipped
        LoadModule(model, reader, path);
        model.to(device);
        model.eval();
        return (model, header);
    }

    /// <summary>Restores a trainer built from the same config to the checkpoint's state (--resume).</summary>
    public static void Restore(Trainer trainer, string path)
    {
        if (!File.Exists(path)) throw new KitException("checkpoint not found", path);
        using var reader = new BinaryReader(File.OpenRead(path));
        var header = ReadHeader(reader, path);
        if (header.Architecture != trainer.Student.Architecture || header.NumClasses != trainer.Data.NumClasses
            || header.InChannels != trainer.Data.Channels)
            throw new KitException($"checkpoint is '{header.Architecture}' with {header.NumClasses} classes and {header.InChannels} channel(s), " +
                                   $"but this run builds '{trainer.Student.Architecture}' with {trainer.Data.NumClasses} and {trainer.Data.Channels}", path);
        if (header.Step < 0 || header.Step > trainer.Config.Steps || header.BadSteps < 0 || header.IntervalSteps < 0)
            throw new KitException($"checkpoint is at step {header.Step} of a run of {trainer.Config.Steps} steps: " +
                                   "resume with the same --steps and config it was trained with", path);
        try
        {
            ReadState(trainer, reader, header, path);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or InvalidDataException or ArgumentException)
        {
            // A file cut short or damaged after its header (TorchSharp reports those as plain .NET errors).
            throw new KitException($"checkpoint is damaged or does not fit this run ({e.Message})", path, e);
        }
    }

    static void ReadState(Trainer trainer, BinaryReader reader, Header header, string path)
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
        if (reader.BaseStream.Position != reader.BaseStream.Length)
            throw new KitException("checkpoint has unexpected bytes after its last section", path);
        trainer.RestoreCounters(header.Step, header.BadSteps, header.Format >= 2 ? header.IntervalSteps : 0);
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
