using Farcluss.Config;
using Farcluss.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Training;

/// <summary>
/// The trainer's checkpoint: everything a run needs to continue or to be evaluated, as sections inside a
/// <see cref="CheckpointFile"/>: student, teacher, projection head, optimizer, then the method's state as
/// <see cref="Trainer.MethodState"/> lists it (rebalancer frequencies, prototype memory, the open log interval's sums),
/// in that list's order. Data order and augmentation need no state: they are functions of (seed, step), the
/// random-generator state of step t being <c>StepRandom.ForStep(seed, t)</c>. A resumed run ends bitwise identical to
/// an uninterrupted one (tested by killing the CLI). Loading checks the architecture and class count first; a damaged
/// file is a <see cref="KitException"/>. The format is the kit's own (TorchSharp's state-dict encoding): numbers and
/// names only, never code. Whether a run may resume with other settings is <see cref="ResumePolicy"/>.
/// </summary>
public static class Checkpoint
{
    /// <summary>Writes <paramref name="trainer"/>'s state at its current step to <paramref name="path"/>, atomically.</summary>
    public static void Save(Trainer trainer, string path)
    {
        var header = new CheckpointHeader(CheckpointFile.FormatVersion, trainer.Student.Architecture, trainer.Data.NumClasses, trainer.Data.Channels,
            trainer.Step, ConfigFile.ToJson(trainer.Config), trainer.BadSteps, trainer.Diagnostics.IntervalSteps, trainer.Diagnostics.IntervalSkipped);
        CheckpointFile.Write(path, header, writer =>
        {
            trainer.Student.save(writer);
            trainer.Teacher.save(writer);
            writer.Write(trainer.Head is not null);
            trainer.Head?.save(writer);
            trainer.Optimizer.save_state_dict(writer);
            foreach (var state in trainer.MethodState) WriteOptional(writer, state.Tensor);
        });
    }

    /// <summary>Loads the teacher (the reported model) for evaluation or prediction.</summary>
    public static (SegmentationModel Model, CheckpointHeader Header) LoadTeacher(string path, Device device)
    {
        var (reader, header, _) = CheckpointFile.Open(path);
        using var _ = reader;
        var config = header.Config(path);
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
        var (reader, header, sectionsEnd) = CheckpointFile.Open(path);
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

    static void ReadState(Trainer trainer, BinaryReader reader, CheckpointHeader header, long sectionsEnd, string path)
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
