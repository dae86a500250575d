using Farcluss.Data;
using Farcluss.Models;

namespace Farcluss.Config;

/// <summary>
/// Named configurations. "workshop" is what a 2-core laptop trains in minutes; "smoke" is for CI and
/// a first look (seconds); "gpu-voc", "gpu-voc-blended" and "gpu-cityscapes" are the full-scale DeepLabV3+
/// ResNet-101 recipes for one GPU (docs/full-scale.md).
/// </summary>
public static class Presets
{
    /// <summary>
    /// CPU workshop: M2NIST-LT on 64×64 canvases with digits at their MNIST size, <b>1/32 of the 4000
    /// training canvases labeled</b> (125), the compact DeepLabV3+ at width 16 (0.37 M parameters for grey digits, 11 classes), Adam 1e-3
    /// with poly decay, 3600 steps of 8 labeled + 8 unlabeled, of which the first third are supervised
    /// only (a [kit] warm-up, <see cref="MethodSettings.WarmupFraction"/>), λ_u = 0.5 (METHOD.md's 1 halved: search
    /// rows r17 and r34, +1.7 to +1.9 validation mIoU over λ_u = 1 at this regime). The regime where unlabeled data
    /// helps: with so few labels supervised training saturates early (validation mIoU flat from about
    /// step 2400), while the semi-supervised student keeps learning from a teacher that is usable by the
    /// end of the warm-up. Short schedules from scratch (search rows r4–r7) let a weak teacher teach its
    /// confusions instead. The teacher is scored on the validation split every 600 steps (curves in
    /// metrics.jsonl). Chosen on the validation split: results/search/README.md, rows r10–r11, r22 and r34.
    /// Larger canvases gain more (96×96 with digits ×1.5, r24: +9.6) but their main job takes about 20 minutes on 2
    /// cores, twice the budget; cut to fit (r32: 1800 steps, r33: 80×80 at 2400) they gain less than this regime.
    /// </summary>
    /// <summary>
    /// The workshop model's base width: 16, so every channel count (16, 32, 64) is a multiple of 16. Width 20
    /// (the preset until 2026-12) gives non-finite, non-repeatable convolutions in libtorch 2.10's oneDNN on
    /// some CPUs (AMD EPYC family 26: widths 20 and 24 fail, 16, 32, 40 and 48 do not; docs/numerics.md).
    /// </summary>
    public const int WorkshopWidth = 16;

    public static TrainingConfig Workshop => new()
    {
        Data = new DataSettings { M2Nist = new M2NistLtSettings { CanvasSize = 64, DigitScale = 1.0, LabeledFraction = 1.0 / 32 } },
        Model = new ModelSettings { Width = WorkshopWidth },
        Steps = 3600,
        Method = new MethodSettings { WarmupFraction = 1.0 / 3, UnsupervisedWeight = 0.5 },
        LabeledBatch = 8,
        UnlabeledBatch = 8,
        EvalEvery = 600,
        LogEvery = 50,
    };

    /// <summary>A seconds-long run that exercises every code path (CI, notebooks' FARCLUSS_SMOKE=1).</summary>
    public static TrainingConfig Smoke => Workshop with
    {
        Data = new DataSettings { M2Nist = new M2NistLtSettings { CanvasSize = 64, TrainCount = 256, ValidationCount = 64, TestCount = 64 } },
        Steps = 20,
        Method = Workshop.Method with { WarmupFraction = 0 }, // no warm-up: every step of the 20 runs the semi-supervised path
        LabeledBatch = 4,
        UnlabeledBatch = 4,
        EvalEvery = 0,
        LogEvery = 5,
    };

    /// <summary>
    /// Pascal VOC 2012, classic 1/16 (92 labeled, UniMatch's split lists), DeepLabV3+ ResNet-101 from
    /// torchvision's ImageNet weights, on one GPU: SGD 1e-3 (backbone 1e-4, 10× lower), poly decay,
    /// 321×321 crops, UniMatch's weak view (zoom 0.5–2, flip), whole-image evaluation on val as
    /// UniMatch evaluates VOC. The recipe, memory and time estimates: docs/full-scale.md.
    /// </summary>
    public static TrainingConfig GpuVoc => new()
    {
        Data = new DataSettings
        {
            Kind = "voc-folder",
            LabeledSplit = "splits/pascal/92/labeled.txt",
            UnlabeledSplit = "splits/pascal/92/unlabeled.txt",
            ValidationSplit = "splits/pascal/val.txt",
            CropSize = 321,
        },
        Model = new ModelSettings { Kind = "resnet101", NumClasses = 21, InChannels = 3, BackboneWeights = "weights/resnet101-63fe2227.pth" }, // torchvision's file as published (PthFile)
        Augment = AugmentSettings.Voc,
        Optimizer = new OptimizerSettings { Name = "sgd", LearningRate = 1e-3, WeightDecay = 1e-4, BackboneLrMultiplier = 0.1 },
        Steps = 80 * 1464 / 8, // ≈ 80 epochs of the classic 1464 split at batch 8, as UniMatch
        LabeledBatch = 8,
        UnlabeledBatch = 8,
        Device = "cuda",
        Threads = 0,
    };

    /// <summary>VOC's "blended" 1/16 (662 of the 10,582 train_aug images) at 513×513 crops, otherwise <see cref="GpuVoc"/>.</summary>
    public static TrainingConfig GpuVocBlended => GpuVoc with
    {
        Data = GpuVoc.Data with
        {
            LabeledSplit = "splits/pascal/1_16/labeled.txt",
            UnlabeledSplit = "splits/pascal/1_16/unlabeled.txt",
            CropSize = 513,
        },
    };

    /// <summary>
    /// Cityscapes 1/16 (186 of 2,975 labeled), DeepLabV3+ ResNet-101, 801×801 crops, SGD 5e-3 (backbone
    /// 10× lower), poly decay, sliding-window evaluation on val (window = crop, stride 2/3), batches of
    /// 2 + 2 so that one GPU holds a step (docs/full-scale.md).
    /// </summary>
    public static TrainingConfig GpuCityscapes => GpuVoc with
    {
        Data = new DataSettings
        {
            Kind = "cityscapes-folder",
            LabeledSplit = "splits/cityscapes/1_16/labeled.txt",
            UnlabeledSplit = "splits/cityscapes/1_16/unlabeled.txt",
            ValidationSplit = "splits/cityscapes/val.txt",
            CropSize = 801,
            Evaluation = new EvaluationSettings { Mode = EvaluationSettings.Sliding },
        },
        Model = GpuVoc.Model with { NumClasses = 19 },
        Optimizer = GpuVoc.Optimizer with { LearningRate = 5e-3 },
        Steps = 240 * 2975 / 8, // ≈ 240 epochs of the 2,975 train images at batch 8
        LabeledBatch = 2,
        UnlabeledBatch = 2,
    };

    public static readonly IReadOnlyDictionary<string, Func<TrainingConfig>> All = new Dictionary<string, Func<TrainingConfig>>
    {
        ["workshop"] = () => Workshop,
        ["smoke"] = () => Smoke,
        ["gpu-voc"] = () => GpuVoc,
        ["gpu-voc-blended"] = () => GpuVocBlended,
        ["gpu-cityscapes"] = () => GpuCityscapes,
    };

    public static TrainingConfig Get(string name) =>
        All.TryGetValue(name, out var make) ? make()
            : throw new KitException($"unknown preset {Echo.Quote(name)}; known: {string.Join(", ", All.Keys)}");
}
