using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Evaluation;

/// <summary>
/// One confusion matrix accumulated over a whole evaluation set (rows: ground truth, columns:
/// prediction), ignoring <see cref="Labels.Ignore"/>. mIoU comes from this one matrix, never from
/// an average of per-image scores (METHOD.md, "Metric"). Taught in notebook 01.
/// </summary>
public sealed class ConfusionMatrix
{
    readonly long[,] _counts;

    public int NumClasses { get; }

    public ConfusionMatrix(int numClasses)
    {
        if (numClasses < 1) throw new KitException($"a confusion matrix needs at least one class, got {numClasses}");
        NumClasses = numClasses;
        _counts = new long[numClasses, numClasses];
    }

    /// <summary>Count of pixels with ground truth <paramref name="truth"/> predicted as <paramref name="predicted"/>.</summary>
    public long this[int truth, int predicted] => _counts[truth, predicted];

    /// <summary>Adds one batch: predictions and targets of the same shape, integer class ids.</summary>
    public void Add(Tensor predictions, Tensor targets)
    {
        using var scope = NewDisposeScope();
        var truth = targets.flatten().to_type(ScalarType.Int64);
        var pred = predictions.flatten().to_type(ScalarType.Int64);
        var valid = truth.ne(Labels.Ignore).logical_and(truth.lt(NumClasses));
        var codes = truth.masked_select(valid).mul(NumClasses).add(pred.masked_select(valid));
        // One bincount a batch: the only host transfer is C×C numbers.
        var counts = bincount(codes, minlength: NumClasses * NumClasses).cpu().data<long>().ToArray();
        for (int t = 0; t < NumClasses; t++)
            for (int p = 0; p < NumClasses; p++)
                _counts[t, p] += counts[t * NumClasses + p];
    }

    /// <summary>Adds raw counts (for tests and merging).</summary>
    public void Add(int truth, int predicted, long count) => _counts[truth, predicted] += count;

    /// <summary>
    /// IoU per class, TP / (TP + FP + FN); NaN for a class absent from both prediction and
    /// ground truth (its union is 0), which <see cref="MeanIoU"/> leaves out.
    /// </summary>
    public double[] PerClassIoU()
    {
        var iou = new double[NumClasses];
        for (int c = 0; c < NumClasses; c++)
        {
            long tp = _counts[c, c], fn = 0, fp = 0;
            for (int k = 0; k < NumClasses; k++)
            {
                if (k == c) continue;
                fn += _counts[c, k];
                fp += _counts[k, c];
            }
            long union = tp + fp + fn;
            iou[c] = union == 0 ? double.NaN : (double)tp / union;
        }
        return iou;
    }

    /// <summary>Mean IoU over classes present in prediction or ground truth.</summary>
    public double MeanIoU()
    {
        var present = PerClassIoU().Where(v => !double.IsNaN(v)).ToArray();
        return present.Length == 0 ? double.NaN : present.Average();
    }

    /// <summary>Share of valid pixels predicted correctly.</summary>
    public double PixelAccuracy()
    {
        long correct = 0, total = 0;
        for (int t = 0; t < NumClasses; t++)
            for (int p = 0; p < NumClasses; p++)
            {
                total += _counts[t, p];
                if (t == p) correct += _counts[t, p];
            }
        return total == 0 ? double.NaN : (double)correct / total;
    }
}
