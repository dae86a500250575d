using Farcluss.Config;
using Farcluss.Models;

namespace Farcluss.Runtime;

/// <summary>
/// The shapes a run computes with, as <see cref="NumericsCheck"/> replays them: the model (kind, width, input
/// channels, classes), the square input side, the student's batch after and during the warm-up (train mode,
/// forward and backward, with the projection head when the method contrasts features), and the teacher's and
/// the evaluation's batches (eval mode, forward only). The probe that found the CPU fault checked only the
/// student's pass; the kit at the same width still failed in passes the probe did not make.
/// </summary>
public sealed record NumericsShape
{
    /// <summary>The model, with the data's class and channel counts filled in.</summary>
    public required ModelSettings Model { get; init; }
    /// <summary>Side of the square input (M2NIST-LT's canvas, a folder dataset's crop).</summary>
    public required int Side { get; init; }
    /// <summary>Student batch once unlabeled data is used (labeled + unlabeled), else the labeled batch.</summary>
    public required int TrainBatch { get; init; }
    /// <summary>Student batch of the supervised warm-up (labeled only), or 0 when there is none.</summary>
    public int WarmupBatch { get; init; }
    /// <summary>Teacher batch (eval mode), or 0 when supervised only.</summary>
    public int TeacherBatch { get; init; }
    /// <summary>Evaluation batch (eval mode).</summary>
    public int EvalBatch { get; init; } = Evaluation.Evaluator.BatchSize;
    /// <summary>Projection head's output dimension, or 0 when the method has no contrast term.</summary>
    public int ProjectionDim { get; init; }

    /// <summary>Passes larger than this many pixels (batch × side²) are checked at a smaller batch: a ResNet at
    /// 321×321 on a CPU would otherwise take minutes. The compact model's passes at 96×96 stay under it.</summary>
    public const long MaxCheckedPixels = 64L * 96 * 96;

    /// <summary>The shapes of a run of <paramref name="config"/> on data of <paramref name="numClasses"/> classes
    /// and <paramref name="channels"/> channels.</summary>
    public static NumericsShape Of(TrainingConfig config, int numClasses, int channels)
    {
        var method = config.Method;
        int side = config.Data.Kind == "m2nist-lt" ? config.Data.M2Nist.CanvasSize : config.Data.CropSize;
        int labeled = config.LabeledBatch, unlabeled = method.UseUnlabeled ? config.UnlabeledBatch : 0;
        bool warmup = method.UseUnlabeled && method.WarmupFraction > 0;
        int Cap(int batch) => (int)Math.Clamp(MaxCheckedPixels / Math.Max(1L, (long)side * side), 1, batch);
        return new NumericsShape
        {
            Model = config.Model with { NumClasses = numClasses, InChannels = channels, BackboneWeights = null },
            Side = side,
            TrainBatch = Cap(labeled + unlabeled),
            WarmupBatch = warmup ? Cap(labeled) : 0,
            TeacherBatch = unlabeled > 0 ? Cap(unlabeled) : 0,
            EvalBatch = Cap(Evaluation.Evaluator.BatchSize),
            ProjectionDim = method.UseUnlabeled && method.Contrast != ContrastKind.None ? method.ProjectionDim : 0,
        };
    }

    /// <summary>"compact width 16, 1 -> 11 classes, 64x64; student 16 (warm-up 8), teacher 8, eval 64; head 64".</summary>
    public override string ToString()
    {
        var width = Model.Width?.ToString() ?? "40 (default)";
        var model = Model.Kind == ModelSettings.Compact
            ? $"compact width {width}" + (Model.DecoderOutputStride is int s ? $" stride {s}" : "")
            : Model.Kind + (Model.OutputStride is int os ? $" os {os}" : "");
        var student = WarmupBatch > 0 ? $"student {TrainBatch} (warm-up {WarmupBatch})" : $"student {TrainBatch}";
        var teacher = TeacherBatch > 0 ? $", teacher {TeacherBatch}" : "";
        var head = ProjectionDim > 0 ? $"; head {ProjectionDim}" : "";
        return $"{model}, {Model.InChannels} -> {Model.NumClasses} classes, {Side}x{Side}; {student}{teacher}, eval {EvalBatch}{head}";
    }
}
