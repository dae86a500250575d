using Farcluss.Data;
using Farcluss.Models;
using Farcluss.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Evaluation;

/// <summary>Runs a model over a whole split into one confusion matrix. Taught in notebook 01.</summary>
public static class Evaluator
{
    /// <summary>Images per forward pass during evaluation.</summary>
    public const int BatchSize = 64;

    public static ConfusionMatrix ConfusionOf(SegmentationModel model, SegmentationSplit split, int numClasses, Device device)
    {
        var matrix = new ConfusionMatrix(numClasses);
        bool wasTraining = model.training;
        model.eval();
        using (no_grad())
        {
            for (int start = 0; start < split.Count; start += BatchSize)
            {
                using var scope = NewDisposeScope();
                var indices = Enumerable.Range(start, Math.Min(BatchSize, split.Count - start)).Select(i => (long)i).ToArray();
                var (images, masks) = split.Batch(indices, device);
                matrix.Add(model.call(images).Logits.argmax(1), masks);
            }
        }
        if (wasTraining) model.train();
        return matrix;
    }

    public static EvalResult Evaluate(SegmentationModel model, SegmentationSplit split, int numClasses, Device device,
        string splitName, string modelName, long step)
    {
        var matrix = ConfusionOf(model, split, numClasses, device);
        return new EvalResult(splitName, modelName, step, matrix.MeanIoU(), matrix.PerClassIoU(), matrix.PixelAccuracy());
    }
}
