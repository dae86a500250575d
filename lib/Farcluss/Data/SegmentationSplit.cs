using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Data;

/// <summary>
/// One split of a fixed-size segmentation dataset held in memory as two tensors: images
/// uint8 [N, C, H, W] (0–255) and masks uint8 [N, H, W] (class index, or <see cref="Labels.Ignore"/>).
/// Batches are cut on the tensor side with index_select, so a training step never loops over
/// pixels in C#. Taught in notebook 00 (data) and used by every later lesson.
/// </summary>
public sealed class SegmentationSplit : IDisposable
{
    /// <summary>A short name for logs ("labeled", "validation", ...).</summary>
    public string Name { get; }

    /// <summary>uint8 [N, C, H, W], values 0–255, on the CPU.</summary>
    public Tensor Images { get; }

    /// <summary>uint8 [N, H, W]: a class index &lt; <see cref="NumClasses"/>, or 255 = ignore.</summary>
    public Tensor Masks { get; }

    /// <summary>Class names, index = class id.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The statistics <see cref="Batch"/> normalises with (measured on the training images).</summary>
    public Normalization Normalization { get; }

    /// <summary>
    /// Folder datasets' images padded to the canvas (bottom and right; image 0, mask 255): each sample's
    /// own (height, width) at the canvas's top left. Evaluation scores each image at its own size, without
    /// the padding; training counts no padded pixel of an unlabeled image (<see cref="ContentMask"/>).
    /// Null (M2NIST-LT): every sample fills the canvas.
    /// </summary>
    public IReadOnlyList<(int Height, int Width)>? SampleSizes { get; init; }

    /// <summary>Set: the evaluator scores this split one image at a time with windows of this size and
    /// stride (<see cref="Evaluation.SlidingWindow"/>). Null: whole images.</summary>
    public (int Window, int Stride)? SlidingWindow { get; init; }

    public int NumClasses => ClassNames.Count;
    public int Count => (int)Images.shape[0];
    public int Channels => (int)Images.shape[1];
    public int Height => (int)Images.shape[2];
    public int Width => (int)Images.shape[3];

    /// <summary>Wraps the two tensors (the split takes ownership) after checking their shapes agree.</summary>
    public SegmentationSplit(string name, Tensor images, Tensor masks, IReadOnlyList<string> classNames, Normalization normalization)
    {
        if (images.dim() != 4 || masks.dim() != 3 || images.shape[0] != masks.shape[0]
            || images.shape[2] != masks.shape[1] || images.shape[3] != masks.shape[2])
            throw new ArgumentException($"images [N, C, H, W] and masks [N, H, W] must agree; got [{string.Join(", ", images.shape)}] and [{string.Join(", ", masks.shape)}]");
        if (images.dtype != ScalarType.Byte || masks.dtype != ScalarType.Byte)
            throw new ArgumentException("images and masks are stored as uint8");
        if (normalization.Channels != images.shape[1])
            throw new ArgumentException($"normalisation has {normalization.Channels} channels, images have {images.shape[1]}");
        Name = name;
        // The split outlives whatever dispose scope it was built in.
        Images = images.DetachFromDisposeScope();
        Masks = masks.DetachFromDisposeScope();
        ClassNames = classNames;
        Normalization = normalization;
    }

    /// <summary>
    /// The samples at <paramref name="indices"/>: images float32 [B, C, H, W], scaled to [0, 1] and,
    /// when <paramref name="normalize"/> is true, normalised with <see cref="Normalization"/>; masks
    /// int64 [B, H, W]. Both on <paramref name="device"/> (default CPU). Pass normalize: false when
    /// augmenting first, then call <c>Normalization.Apply</c>.
    /// </summary>
    public (Tensor Images, Tensor Masks) Batch(long[] indices, Device? device = null, bool normalize = true)
    {
        foreach (long i in indices)
            if (i < 0 || i >= Count) throw new ArgumentOutOfRangeException(nameof(indices), $"index {i} is outside split '{Name}' of {Count} samples");
        using var scope = NewDisposeScope();
        var index = tensor(indices, ScalarType.Int64);
        device ??= CPU;
        // Select and move as uint8 (4× less to copy to a GPU), convert on the device.
        var images = Images.index_select(0, index).to(device).to_type(ScalarType.Float32).div_(255f);
        if (normalize) images = Normalization.Apply(images);
        var masks = Masks.index_select(0, index).to(device).to_type(ScalarType.Int64);
        return (images.MoveToOuterDisposeScope(), masks.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// bool [B, H, W] on <paramref name="device"/>: true on the samples' own pixels, false on the padding
    /// that made them fit the canvas (<see cref="SampleSizes"/>). Validity comes from here, never from the
    /// masks: a 255 in a mask is a label ("ignore"), and an unlabeled image's masks are hidden.
    /// </summary>
    public Tensor ContentMask(long[] indices, Device? device = null)
    {
        device ??= CPU;
        if (SampleSizes is not { } sizes) return ones(new long[] { indices.Length, Height, Width }, ScalarType.Bool, device);
        using var scope = NewDisposeScope();
        var heights = tensor(indices.Select(i => (long)sizes[(int)i].Height).ToArray(), device: device).view(-1, 1, 1);
        var widths = tensor(indices.Select(i => (long)sizes[(int)i].Width).ToArray(), device: device).view(-1, 1, 1);
        var rows = arange(Height, ScalarType.Int64, device).view(1, -1, 1);
        var columns = arange(Width, ScalarType.Int64, device).view(1, 1, -1);
        return rows.lt(heights).logical_and(columns.lt(widths)).MoveToOuterDisposeScope();
    }

    /// <summary>Samples [start, start + count) as a new split sharing this one's storage.</summary>
    public SegmentationSplit Slice(string name, int start, int count) =>
        new(name, Images.narrow(0, start, count), Masks.narrow(0, start, count), ClassNames, Normalization)
        {
            SampleSizes = SampleSizes?.Skip(start).Take(count).ToList(),
            SlidingWindow = SlidingWindow,
        };

    public void Dispose()
    {
        Images.Dispose();
        Masks.Dispose();
    }
}
