using Farcluss.Data;
using Farcluss.Models;

namespace Farcluss.Config;

/// <summary>
/// Named configurations. "workshop" is what a 2-core laptop trains in minutes; "smoke" is for CI and
/// a first look (seconds); "gpu-voc" is the full-scale DeepLabV3+ ResNet-101 recipe for one GPU.
/// </summary>
public static class Presets
{
    /// <summary>
    /// CPU workshop: M2NIST-LT on 96×96 canvases with digits drawn at 1.5× (strokes wide enough that the
    /// task is about which digit, what unlabeled data can teach, rather than stroke edges), the
    /// half-width compact DeepLabV3+ (0.57 M parameters), Adam 1e-3 with poly decay, 1500 steps.
    /// Chosen on the validation split (results/search/README.md).
    /// </summary>
    public static TrainingConfig Workshop => new()
    {
        Data = new DataSettings { M2Nist = new M2NistLtSettings { CanvasSize = 96, DigitScale = 1.5 } },
        Model = new ModelSettings { Width = 20 },
        Steps = 1500,
        LabeledBatch = 8,
        UnlabeledBatch = 8,
        EvalEvery = 0,
        LogEvery = 50,
    };

    /// <summary>A seconds-long run that exercises every code path (CI, notebooks' FARCLUSS_SMOKE=1).</summary>
    public static TrainingConfig Smoke => Workshop with
    {
        Data = new DataSettings { M2Nist = new M2NistLtSettings { CanvasSize = 64, TrainCount = 256, ValidationCount = 64, TestCount = 64 } },
        Steps = 20,
        LabeledBatch = 4,
        UnlabeledBatch = 4,
        LogEvery = 5,
    };

    /// <summary>Pascal VOC 2012 with DeepLabV3+ ResNet-101 on one GPU (issue 6: recipe still to be written; see README, "GPU").</summary>
    public static TrainingConfig GpuVoc => new()
    {
        Data = new DataSettings { Kind = "voc-folder" },
        Model = new ModelSettings { Kind = "resnet101", NumClasses = 21, InChannels = 3 },
        Optimizer = new OptimizerSettings { Name = "sgd", LearningRate = 1e-3, WeightDecay = 1e-4, BackboneLrMultiplier = 0.1 },
        Steps = 80 * 1464 / 8, // ≈ 80 epochs of the classic 1464 split at batch 8, as UniMatch
        LabeledBatch = 8,
        UnlabeledBatch = 8,
        Device = "cuda",
        Threads = 0,
    };

    public static readonly IReadOnlyDictionary<string, Func<TrainingConfig>> All = new Dictionary<string, Func<TrainingConfig>>
    {
        ["workshop"] = () => Workshop,
        ["smoke"] = () => Smoke,
        ["gpu-voc"] = () => GpuVoc,
    };

    public static TrainingConfig Get(string name) =>
        All.TryGetValue(name, out var make) ? make()
            : throw new KitException($"unknown preset '{name}'; known: {string.Join(", ", All.Keys)}");
}
