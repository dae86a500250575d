using Farcluss.Config;
using Farcluss.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Training;

/// <summary>
/// The mean teacher (METHOD.md, "The teacher"): the teacher's weights are an exponential moving
/// average of the student's, ξ ← α_t ξ + (1 − α_t) θ after every optimizer step, with
/// α_t = min(1 − 1/(t+1), α). BatchNorm running statistics are averaged the same way; integer
/// buffers (num_batches_tracked) are copied. TorchSharp has no deepcopy, so the trainer builds a
/// second model of the same architecture, <see cref="CopyWeights"/> the student into it and
/// <see cref="Freeze"/>s it. Parameters and buffers are matched by name.
/// Taught in notebook 02 (mean-teacher-hard-labels).
/// </summary>
public static class MeanTeacher
{
    /// <summary>
    /// A student drawn from <paramref name="init"/> (with its ImageNet backbone when the settings name one) and
    /// its teacher, equal to it and frozen, both on <paramref name="device"/>. The teacher is built by a second
    /// draw from <paramref name="init"/>, overwritten at once by the student's weights (TorchSharp has no deepcopy).
    /// </summary>
    public static (SegmentationModel Student, SegmentationModel Teacher) CreatePair(ModelSettings settings, Generator init, Device device)
    {
        var student = ModelFactory.Create(settings, init);
        if (settings.BackboneWeights is { } weights) PretrainedBackbone.LoadInto(student, weights); // before the teacher copies
        var teacher = ModelFactory.Create(settings, init);
        student.to(device);
        teacher.to(device);
        CopyWeights(teacher, student);
        Freeze(teacher);
        return (student, teacher);
    }

    /// <summary>α_t = min(1 − 1/(t+1), α): early on the teacher follows the student closely
    /// (α_0 = 0 copies it), later it averages over about 1/(1 − α) steps.</summary>
    public static double Decay(long step, double alpha) => Math.Min(1.0 - 1.0 / (step + 1), alpha);

    /// <summary>
    /// ξ ← d ξ + (1 − d) θ for every parameter and floating-point buffer, in place and without
    /// gradient; integer buffers are copied from the student.
    /// </summary>
    public static void Update(nn.Module teacher, nn.Module student, double decay)
    {
        if (!SettingRules.IsMomentum(decay)) throw new KitException($"mean teacher: decay must be in {SettingRules.MomentumRange}, got {decay}");
        using var noGrad = torch.no_grad();
        foreach (var (teacherTensor, studentTensor, _) in Pairs(teacher, student))
        {
            if (teacherTensor.is_floating_point())
                teacherTensor.mul_(decay).add_(studentTensor, alpha: 1.0 - decay);
            else
                teacherTensor.copy_(studentTensor);
        }
    }

    /// <summary>Makes the teacher equal to the student (t = 0): every parameter and buffer copied.</summary>
    public static void CopyWeights(nn.Module teacher, nn.Module student)
    {
        using var noGrad = torch.no_grad();
        foreach (var (teacherTensor, studentTensor, _) in Pairs(teacher, student))
            teacherTensor.copy_(studentTensor);
    }

    /// <summary>Turns off gradients for every teacher parameter: it only ever changes by <see cref="Update"/>.</summary>
    public static void Freeze(nn.Module teacher)
    {
        foreach (var parameter in teacher.parameters()) parameter.requires_grad = false;
    }

    /// <summary>Teacher and student tensors with the same name; any mismatch in names or shapes is an error.</summary>
    static List<(Tensor Teacher, Tensor Student, string Name)> Pairs(nn.Module teacher, nn.Module student)
    {
        var pairs = new List<(Tensor, Tensor, string)>();
        Match(teacher.named_parameters().Select(p => (p.name, (Tensor)p.parameter)),
              student.named_parameters().Select(p => (p.name, (Tensor)p.parameter)), "parameter", pairs);
        Match(teacher.named_buffers().Select(b => (b.name, b.buffer)),
              student.named_buffers().Select(b => (b.name, b.buffer)), "buffer", pairs);
        return pairs;
    }

    static void Match(IEnumerable<(string Name, Tensor Tensor)> teacherTensors, IEnumerable<(string Name, Tensor Tensor)> studentTensors,
        string kind, List<(Tensor, Tensor, string)> pairs)
    {
        var byName = studentTensors.ToDictionary(t => t.Name, t => t.Tensor);
        int matched = 0;
        foreach (var (name, teacherTensor) in teacherTensors)
        {
            if (!byName.TryGetValue(name, out var studentTensor))
                throw new ArgumentException($"mean teacher: the teacher has a {kind} '{name}' the student lacks: the two models must have the same architecture");
            if (!teacherTensor.shape.SequenceEqual(studentTensor.shape))
                throw new ArgumentException($"mean teacher: {kind} '{name}' is [{string.Join(", ", teacherTensor.shape)}] in the teacher, [{string.Join(", ", studentTensor.shape)}] in the student");
            pairs.Add((teacherTensor, studentTensor, name));
            matched++;
        }
        if (matched != byName.Count)
            throw new ArgumentException($"mean teacher: the student has {byName.Count - matched} {kind}(s) the teacher lacks: the two models must have the same architecture");
    }
}
