using Farcluss.Config;
using Farcluss.Data;
using Farcluss.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Evaluation;

/// <summary>Runs a model over a whole split into one confusion matrix. Taught in notebook 01;
/// folder datasets with sliding windows in notebook 09.</summary>
public static class Evaluator
{
    /// <summary>Images per forward pass during evaluation.</summary>
    public const int BatchSize = 64;

    public static ConfusionMatrix ConfusionOf(SegmentationModel model, SegmentationSplit split, int numClasses, Device device)
    {
        if (split.SampleSizes is not null || split.SlidingWindow is not null)
            return ConfusionPerImage(model, split, numClasses, device);
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

    /// <summary>Whole images of different sizes (folder datasets): one at a time, padding cropped off,
    /// whole or with <see cref="SlidingWindow"/> as the split says.</summary>
    static ConfusionMatrix ConfusionPerImage(SegmentationModel model, SegmentationSplit split, int numClasses, Device device)
    {
        var matrix = new ConfusionMatrix(numClasses);
        bool wasTraining = model.training;
        model.eval();
        using (no_grad())
        {
            for (int i = 0; i < split.Count; i++)
            {
                using var scope = NewDisposeScope();
                var (images, masks) = split.Batch([i], device);
                if (split.SampleSizes is { } sizes)
                {
                    var (height, width) = sizes[i];
                    images = images[.., .., ..height, ..width];
                    masks = masks[.., ..height, ..width];
                }
                var logits = split.SlidingWindow is var (window, stride)
                    ? SlidingWindow.Logits(model, images, window, stride)
                    : model.call(images).Logits;
                matrix.Add(logits.argmax(1), masks);
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

    /// <summary>
    /// A folder dataset (VOC, Cityscapes), one image at a time at its own size: normalised with the
    /// dataset's statistics, scored whole or with <see cref="SlidingWindow"/> as
    /// <paramref name="settings"/> say (<paramref name="cropSize"/> is the window when
    /// <see cref="EvaluationSettings.Window"/> is 0), argmax, added to one confusion matrix.
    /// </summary>
    public static ConfusionMatrix ConfusionOf(SegmentationModel model, VocFolderDataset dataset, Device device,
        EvaluationSettings settings, int cropSize = 0)
    {
        settings.Validate();
        var (window, stride) = settings.Mode == EvaluationSettings.Sliding ? settings.Resolve(cropSize) : (0, 0);
        var matrix = new ConfusionMatrix(dataset.NumClasses);
        bool wasTraining = model.training;
        model.eval();
        using (no_grad())
        {
            for (int i = 0; i < dataset.Count; i++)
            {
                using var scope = NewDisposeScope();
                var (image, mask) = dataset.LoadSample(i);
                var images = dataset.Normalization.Apply(image.unsqueeze(0).to(device));
                var logits = settings.Mode == EvaluationSettings.Sliding
                    ? SlidingWindow.Logits(model, images, window, stride)
                    : model.call(images).Logits;
                matrix.Add(logits.argmax(1), mask.unsqueeze(0).to(device));
            }
        }
        if (wasTraining) model.train();
        return matrix;
    }
}
