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
            return Accumulate(model, numClasses, split.Count, i => ImageAtItsOwnSize(split, i, device), images => split.SlidingWindow is var (window, stride)
                ? SlidingWindow.Logits(model, images, window, stride)
                : model.call(images).Logits);
        int batches = (split.Count + BatchSize - 1) / BatchSize;
        return Accumulate(model, numClasses, batches, b =>
        {
            int start = b * BatchSize;
            return split.Batch(Enumerable.Range(start, Math.Min(BatchSize, split.Count - start)).Select(i => (long)i).ToArray(), device);
        }, images => model.call(images).Logits);
    }

    /// <summary>Image <paramref name="i"/> of a split of images of different sizes (folder datasets), its padding cropped off.</summary>
    static (Tensor Images, Tensor Masks) ImageAtItsOwnSize(SegmentationSplit split, int i, Device device)
    {
        var (images, masks) = split.Batch([i], device);
        if (split.SampleSizes is not { } sizes) return (images, masks);
        var (height, width) = sizes[i];
        return (images[.., .., ..height, ..width], masks[.., ..height, ..width]);
    }

    /// <summary>
    /// The one evaluation loop: the model in eval mode without gradient, each of <paramref name="count"/>
    /// batches in its own dispose scope, argmax of <paramref name="logitsOf"/> against the batch's masks
    /// into one confusion matrix; the model's mode is put back.
    /// </summary>
    static ConfusionMatrix Accumulate(SegmentationModel model, int numClasses, int count, Func<int, (Tensor Images, Tensor Masks)> batchAt,
        Func<Tensor, Tensor> logitsOf)
    {
        var matrix = new ConfusionMatrix(numClasses);
        bool wasTraining = model.training;
        model.eval();
        using (no_grad())
        {
            for (int i = 0; i < count; i++)
            {
                using var scope = NewDisposeScope();
                var (images, masks) = batchAt(i);
                matrix.Add(logitsOf(images).argmax(1), masks);
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
        dataset.RequireEvaluable(settings.Mode == EvaluationSettings.Sliding ? window : null);
        return Accumulate(model, dataset.NumClasses, dataset.Count, i =>
        {
            var (image, mask) = dataset.LoadSample(i);
            return (dataset.Normalization.Apply(image.unsqueeze(0).to(device)), mask.unsqueeze(0).to(device));
        }, images => settings.Mode == EvaluationSettings.Sliding
            ? SlidingWindow.Logits(model, images, window, stride)
            : model.call(images).Logits);
    }
}
