using Farcluss.Data;
using Farcluss.Models;

namespace Farcluss.Config;

/// <summary>Where the data comes from.</summary>
public sealed record DataSettings
{
    /// <summary>"m2nist-lt" (generated from MNIST, the default), "voc-folder" (Pascal VOC layout) or
    /// "cityscapes-folder" (Cityscapes layout, masks prepared to train ids): see docs/full-scale.md.</summary>
    public string Kind { get; init; } = "m2nist-lt";

    /// <summary>Every <see cref="Kind"/> the kit reads.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["m2nist-lt", "voc-folder", "cityscapes-folder"];

    /// <summary>Folder holding the MNIST IDX files (m2nist-lt) or the dataset root (voc-folder, cityscapes-folder).
    /// Null: mnist/, voc/ or cityscapes/ (by kind) in the data folder, $FARCLUSS_DATA or else data/ in the repository.</summary>
    public string? Root { get; init; }

    /// <summary>Folder datasets: the labeled split list (UniMatch's format). A relative path is under the
    /// data folder ($FARCLUSS_DATA, or data/ under the repository), where fetch-splits.sh puts splits/.</summary>
    public string? LabeledSplit { get; init; }

    /// <summary>Folder datasets: the unlabeled split list (its masks are read for diagnostics only). Null: supervised only.</summary>
    public string? UnlabeledSplit { get; init; }

    /// <summary>Folder datasets: the list the run is scored on at the end (VOC val, Cityscapes val, as the papers report).</summary>
    public string? ValidationSplit { get; init; }

    /// <summary>Folder datasets: the side of the square training crop (UniMatch: 321 or 513 for VOC, 801 for
    /// Cityscapes); each training image is cropped (or padded with ignore) once when loaded, and the weak view
    /// zooms, crops and flips within it every step. 0 (M2NIST-LT): the canvas is the sample.</summary>
    public int CropSize { get; init; }

    /// <summary>How the scored split is evaluated: whole images, or sliding windows (window = <see cref="CropSize"/>).</summary>
    public EvaluationSettings Evaluation { get; init; } = new();

    /// <summary>M2NIST-LT generation settings.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("m2nist")]
    public M2NistLtSettings M2Nist { get; init; } = new();
}

/// <summary>Optimizer and learning-rate schedule (documented per model in README, "Training").</summary>
public sealed record OptimizerSettings
{
    /// <summary>"adam" (compact model, from scratch) or "sgd" (ResNet, as UniMatch: momentum 0.9).</summary>
    public string Name { get; init; } = "adam";

    public double LearningRate { get; init; } = 1e-3;

    public double WeightDecay { get; init; } = 0;

    /// <summary>Poly decay lr_t = lr (1 − t/T)^power, the field's habit.</summary>
    public double PolyPower { get; init; } = 0.9;

    /// <summary>Backbone learning rate as a multiple of the head's (0.1 for pretrained ResNets; 1 = one rate).</summary>
    public double BackboneLrMultiplier { get; init; } = 1.0;
}

/// <summary>
/// One training run, as an immutable record with documented defaults. Config files are JSON with
/// snake_case keys; an unknown key is an error (<see cref="ConfigFile"/>). Named presets live in
/// <see cref="Presets"/>. Taught in notebook 01.
/// </summary>
public sealed record TrainingConfig
{
    public DataSettings Data { get; init; } = new();
    public ModelSettings Model { get; init; } = new();
    public AugmentSettings Augment { get; init; } = new();
    public MethodSettings Method { get; init; } = new();
    public OptimizerSettings Optimizer { get; init; } = new();

    /// <summary>Optimizer steps.</summary>
    public int Steps { get; init; } = 1800;

    /// <summary>Labeled images a step.</summary>
    public int LabeledBatch { get; init; } = 8;

    /// <summary>Unlabeled images a step (ignored when supervised only).</summary>
    public int UnlabeledBatch { get; init; } = 8;

    /// <summary>Seed of model initialisation, data order and augmentation; data generation has its own seed.</summary>
    public int Seed { get; init; } = 0;

    /// <summary>Evaluate on the validation split every this many steps (0: only at the end).</summary>
    public int EvalEvery { get; init; } = 0;

    /// <summary>Write training statistics every this many steps.</summary>
    public int LogEvery { get; init; } = 50;

    /// <summary>Write a checkpoint every this many steps (0: only at the end).</summary>
    public int CheckpointEvery { get; init; } = 0;

    /// <summary>Stop after this many steps whose loss was not finite (each is skipped, not applied).</summary>
    public int MaxBadSteps { get; init; } = 10;

    /// <summary>Torch intra-op threads (0: torch's default).</summary>
    public int Threads { get; init; } = 2;

    /// <summary>auto, cpu or cuda.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Largest learning rate accepted (<see cref="SettingRules.MaxLearningRate"/>).</summary>
    public const double MaxLearningRate = SettingRules.MaxLearningRate;

    /// <summary>Largest batch accepted (<see cref="SettingRules.MaxBatch"/>).</summary>
    public const int MaxBatch = SettingRules.MaxBatch;

    /// <summary>
    /// <see cref="Validate"/> before the data is read: with the class count of a dataset kind the kit knows, otherwise
    /// 255 (the most a uint8 mask holds); the trainer validates again with the data's own count (K ≤ C).
    /// </summary>
    public void ValidateBeforeData() => Validate(ConfigFile.ClassCountOf(Data) ?? Labels.Ignore);

    /// <summary>Every range of every setting (<see cref="SettingRules"/>), with messages naming the config key.</summary>
    public void Validate(int numClasses)
    {
        // Every real-valued setting first: NaN passes no range check below, but ±Infinity would pass some.
        RequireFinite(this, "");
        SettingRules.Require(Steps is >= 1 and <= SettingRules.MaxSteps, $"steps must be in [1, {SettingRules.MaxSteps}], got {Steps}");
        SettingRules.Require(LabeledBatch is >= 1 and <= MaxBatch, $"labeled_batch must be in [1, {MaxBatch}], got {LabeledBatch}");
        SettingRules.Require(UnlabeledBatch is >= 1 and <= MaxBatch, $"unlabeled_batch must be in [1, {MaxBatch}], got {UnlabeledBatch}");
        SettingRules.Require(LogEvery >= 1, $"log_every must be ≥ 1, got {LogEvery}");
        SettingRules.Require(EvalEvery >= 0 && CheckpointEvery >= 0, "eval_every and checkpoint_every must be ≥ 0");
        SettingRules.Require(MaxBadSteps >= 0, $"max_bad_steps must be ≥ 0, got {MaxBadSteps}");
        SettingRules.Require(Threads is >= 0 and <= SettingRules.MaxThreads, $"threads must be in [0, {SettingRules.MaxThreads}] (0: torch's default), got {Threads}");
        SettingRules.Require(Device?.ToLowerInvariant() is "auto" or "cpu" or "cuda", $"device must be auto, cpu or cuda, got {Echo.Quote(Device)}");
        SettingRules.Require(Optimizer.LearningRate is > 0 and <= MaxLearningRate,
            $"optimizer.learning_rate must be in (0, {MaxLearningRate}], got {Optimizer.LearningRate}");
        SettingRules.Require(Optimizer.Name is "adam" or "sgd", $"optimizer.name must be adam or sgd, got {Echo.Quote(Optimizer.Name)}");
        SettingRules.Require(Optimizer.WeightDecay >= 0, $"optimizer.weight_decay must be ≥ 0, got {Optimizer.WeightDecay}");
        SettingRules.Require(Optimizer.PolyPower >= 0,
            $"optimizer.poly_power must be ≥ 0 (the rate decays as (1 − t/T)^power; a negative power would make it grow), got {Optimizer.PolyPower}");
        SettingRules.Require(Optimizer.BackboneLrMultiplier is >= 0 and <= SettingRules.MaxBackboneLrMultiplier,
            $"optimizer.backbone_lr_multiplier must be in [0, {SettingRules.MaxBackboneLrMultiplier}], got {Optimizer.BackboneLrMultiplier}");
        SettingRules.Require(DataSettings.Kinds.Contains(Data.Kind),
            $"data.kind must be {string.Join(", ", DataSettings.Kinds)}, got {Echo.Quote(Data.Kind)}");
        SettingRules.Require(Farcluss.Models.ModelFactory.Kinds.Contains(Model.Kind),
            $"model.kind must be {string.Join(", ", Farcluss.Models.ModelFactory.Kinds)}, got {Echo.Quote(Model.Kind)}");
        if (Model.Kind == Farcluss.Models.ModelSettings.Compact && Model.Width is int width)
            SettingRules.Require(width is >= SettingRules.MinCompactWidth and <= Farcluss.Models.CompactModelSettings.MaxWidth,
                $"model.width must be in [{SettingRules.MinCompactWidth}, {Farcluss.Models.CompactModelSettings.MaxWidth}], got {width}");
        // The model's fields against its kind (a width on a ResNet, an output stride on the compact model).
        var model = Model with { NumClasses = Math.Max(2, numClasses) };
        if (Model.Kind == Farcluss.Models.ModelSettings.Compact) Farcluss.Models.ModelFactory.ToCompact(model);
        else Farcluss.Models.ModelFactory.ToResNet(model);
        if (Data.Kind == "m2nist-lt")
        {
            Data.M2Nist.Validate();
            SettingRules.Require(Data.M2Nist.LabeledCount >= 1,
                $"data.m2nist.labeled_fraction {Data.M2Nist.LabeledFraction} of {Data.M2Nist.TrainCount} training canvases labels none: nothing to train on");
        }
        Data.Evaluation.Validate();
        Augment.Validate();
        Method.Validate(numClasses);
    }

    /// <summary>Refuses NaN and ±Infinity in any double of the config's records, naming it by its config-file key.</summary>
    static void RequireFinite(object settings, string prefix)
    {
        foreach (var property in settings.GetType().GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || !property.CanWrite) continue; // computed values, not settings
            var value = property.GetValue(settings);
            var jsonName = (System.Text.Json.Serialization.JsonPropertyNameAttribute?)Attribute.GetCustomAttribute(property,
                typeof(System.Text.Json.Serialization.JsonPropertyNameAttribute));
            string key = prefix + (jsonName?.Name ?? System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name));
            if (value is double number)
                SettingRules.Require(double.IsFinite(number), $"{key} must be a finite number, got {number}");
            else if (value is not null && property.PropertyType.Namespace?.StartsWith("Farcluss") == true && !property.PropertyType.IsEnum)
                RequireFinite(value, key + ".");
        }
    }
}
