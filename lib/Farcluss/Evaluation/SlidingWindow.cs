using Farcluss.Models;
using static TorchSharp.torch;

namespace Farcluss.Evaluation;

/// <summary>
/// Sliding-window inference, as segmentation benchmarks evaluate large images with a model trained
/// on crops: square windows of <c>window</c> pixels every <c>stride</c> pixels; the last window of a
/// row or column is moved back to end at the border, so every window is whole and every pixel is
/// covered; the logits of the windows are summed and divided by how many windows cover each pixel.
/// A side shorter than the window is one window of that side. Taught in notebook 09.
/// </summary>
public static class SlidingWindow
{
    /// <summary>Start offsets along one side: 0, stride, 2·stride, …, the last one moved to end at <paramref name="size"/>.</summary>
    public static long[] Starts(long size, int window, int stride)
    {
        if (window < 1 || stride < 1) throw new KitException($"sliding window: window {window} and stride {stride} must be ≥ 1");
        if (size <= window) return [0];
        long count = (size - window + stride - 1) / stride + 1;
        return Enumerable.Range(0, (int)count).Select(i => Math.Min(i * (long)stride, size - window)).ToArray();
    }

    /// <summary>How many windows cover each pixel of an <paramref name="height"/>×<paramref name="width"/> image, float32 [H, W].</summary>
    public static Tensor CoverCounts(long height, long width, int window, int stride)
    {
        var counts = zeros(height, width);
        foreach (var top in Starts(height, window, stride))
            foreach (var left in Starts(width, window, stride))
                counts[TensorIndex.Slice(top, Math.Min(top + window, height)), TensorIndex.Slice(left, Math.Min(left + window, width))].add_(1f);
        return counts;
    }

    /// <summary>Averaged logits [B, C, H, W] of <paramref name="model"/> over the windows of <paramref name="images"/> [B, C_in, H, W] (normalised).
    /// Run it under no_grad with the model in eval mode, as the evaluator does.</summary>
    public static Tensor Logits(SegmentationModel model, Tensor images, int window, int stride)
    {
        long height = images.shape[2], width = images.shape[3];
        using var scope = NewDisposeScope();
        Tensor? sum = null;
        var counts = zeros(new long[] { height, width }, device: images.device);
        foreach (var top in Starts(height, window, stride))
            foreach (var left in Starts(width, window, stride))
            {
                var rows = TensorIndex.Slice(top, Math.Min(top + window, height));
                var cols = TensorIndex.Slice(left, Math.Min(left + window, width));
                var logits = model.call(images[TensorIndex.Colon, TensorIndex.Colon, rows, cols]).Logits;
                sum ??= zeros(new long[] { images.shape[0], logits.shape[1], height, width }, device: images.device);
                sum[TensorIndex.Colon, TensorIndex.Colon, rows, cols].add_(logits);
                counts[rows, cols].add_(1f);
            }
        return sum!.div_(counts).MoveToOuterDisposeScope();
    }
}
