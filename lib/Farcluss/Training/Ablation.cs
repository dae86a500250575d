using Farcluss.Config;

namespace Farcluss.Training;

/// <summary>
/// Trains one (variant, seed) of an ablation with the one trainer and turns its result into an <see cref="AblationRun"/>;
/// the runs are summarised by <see cref="AblationReport"/>. Used by `farcluss compare`, `farcluss ablate` and notebook 07.
/// </summary>
public static class Ablation
{
    /// <summary>Trains one variant with one seed and evaluates it.</summary>
    public static AblationRun RunOne(TrainingConfig baseConfig, TrainingData data, string variant, int seed,
        Action<TrainingProgress>? onProgress = null, string? runDirectory = null)
    {
        var config = baseConfig with { Method = Variants.Get(variant, baseConfig.Method), Seed = seed };
        using var trainer = new Trainer(config, data) { OnProgress = onProgress };
        var result = trainer.Run(runDirectory);
        var rarest = data.RarestClasses(3);
        var lastSemi = result.Log.LastOrDefault(s => s.UnsupervisedLambda > 0);
        return new AblationRun
        {
            Variant = variant,
            Settings = config.Method,
            Seed = seed,
            Miou = result.TeacherTest.MeanIoU,
            PerClassIou = result.TeacherTest.PerClassIoU,
            StudentMiou = result.StudentTest.MeanIoU,
            ValidationMiou = result.TeacherValidation?.MeanIoU,
            ValidationPerClassIou = result.TeacherValidation?.PerClassIoU,
            ValidationRarestThreeIou = result.TeacherValidation is { } v ? RarestMean(v.PerClassIoU, rarest) : null,
            RarestThreeIou = RarestMean(result.TeacherTest.PerClassIoU, rarest),
            MsPerStep = result.MsPerStep,
            Steps = config.Steps,
            ForegroundPseudoLabelAccuracy = lastSemi?.ForegroundPseudoLabelAccuracy ?? double.NaN,
            WeightKept = lastSemi?.WeightKept ?? double.NaN,
            NumericPath = $"{trainer.Numerics.Path} ({trainer.Numerics.Cpu}, libtorch {trainer.Numerics.Libtorch})",
        };
    }

    static double RarestMean(double[] perClass, int[] rarest) =>
        rarest.Select(c => perClass[c]).Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Average();
}
