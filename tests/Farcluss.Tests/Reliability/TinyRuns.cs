using Farcluss.Config;
using Farcluss.Data;
using Farcluss.Models;
using Farcluss.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Tests.Reliability;

/// <summary>
/// Tiny in-memory data and configs for tests that drive the real trainer: grey 32×32 images, each
/// black with one bright square of class 1 or 2 on background 0, and a width-8 compact model, so a
/// FARCLUSS step (teacher, student, every loss) takes tens of milliseconds.
/// </summary>
static class TinyRuns
{
    static TinyRuns() => Farcluss.Runtime.NativeLibTorch.EnsureLoadable();

    public static readonly string[] ClassNames = ["background", "square", "other-square"];

    /// <summary>A split of <paramref name="count"/> images; sample i's square has side 8 + i mod 5, is
    /// placed from a seeded generator, and has class 1 + i mod (classes − 1).</summary>
    public static SegmentationSplit Split(string name, int count, int seed, Normalization? normalization = null, int size = 32, int classes = 3)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)seed);
        var ys = arange(size).view(1, size, 1);
        var xs = arange(size).view(1, 1, size);
        var side = (arange(count) % 5 + 8).view(count, 1, 1);
        var top = (rand(count, generator: generator) * (size - 12)).to_type(ScalarType.Int64).view(count, 1, 1);
        var left = (rand(count, generator: generator) * (size - 12)).to_type(ScalarType.Int64).view(count, 1, 1);
        var inside = ys.ge(top).logical_and(ys.lt(top + side)).logical_and(xs.ge(left)).logical_and(xs.lt(left + side));
        var squareClass = (arange(count) % (classes - 1) + 1).view(count, 1, 1);
        var masks = where(inside, squareClass, zeros_like(squareClass)).to_type(ScalarType.Byte);
        var images = inside.to_type(ScalarType.Byte).mul(200).unsqueeze(1);
        return new SegmentationSplit(name, images, masks, ClassNames.Take(classes).ToArray(), normalization ?? Normalization.Identity(1));
    }

    /// <summary>8 labeled, 16 unlabeled, 4 validation and 4 test images.</summary>
    public static TrainingData Data(Normalization? normalization = null, int labeled = 8) =>
        new(Split("labeled", labeled, 1, normalization), Split("unlabeled", 16, 2, normalization),
            Split("validation", 4, 3, normalization), Split("test", 4, 4, normalization), ClassNames, 1);

    /// <summary>FARCLUSS (every part on) at tiny sizes, one torch thread (two threads on a shared,
    /// niced machine spin instead of working).</summary>
    public static TrainingConfig Config(int steps, string variant = "farcluss") => Presets.Smoke with
    {
        Model = new ModelSettings { Width = 8 },
        Method = Variants.Get(variant) with { Anchors = 64, ProjectionDim = 16 },
        Steps = steps,
        LabeledBatch = 2,
        UnlabeledBatch = 2,
        LogEvery = 5,
        Threads = 1,
        Device = "cpu",
    };

    /// <summary>Every parameter and buffer of a module, copied, by name.</summary>
    public static Dictionary<string, Tensor> Snapshot(nn.Module module)
    {
        using var noGrad = no_grad();
        return module.named_parameters().Select(p => (p.name, (Tensor)p.parameter))
            .Concat(module.named_buffers().Select(b => (b.name, b.buffer)))
            .ToDictionary(t => t.Item1, t => t.Item2.detach().clone().DetachFromDisposeScope());
    }

    /// <summary>The names whose tensors differ (bitwise; NaN counts as different from anything).</summary>
    public static string[] Changed(Dictionary<string, Tensor> before, nn.Module module)
    {
        var after = Snapshot(module);
        try { return before.Where(kv => !Same(kv.Value, after[kv.Key])).Select(kv => kv.Key).ToArray(); }
        finally { foreach (var t in after.Values) t.Dispose(); }
    }

    public static bool Same(Tensor a, Tensor b) => a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
