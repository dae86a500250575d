using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Data;

/// <summary>
/// A segmentation dataset in Pascal VOC's folder layout, brought by the user:
/// <c>JPEGImages/*.jpg</c>, <c>SegmentationClass/*.png</c> (palette or 8-bit greyscale index PNGs),
/// and a split list (<see cref="SplitList"/>: ids, or <c>image_path mask_path</c> lines as UniMatch's
/// split files). Cityscapes' layout opens through the same class (<see cref="CityscapesLayout"/>).
/// Opening checks the list (every file present, nothing outside the root, not empty); each sample is decoded and
/// checked when loaded (see <see cref="SafeImageReader"/>). Images vary in size, so batches are
/// made with <see cref="RandomCropOrPad"/>. Taught in notebook 09.
/// </summary>
public sealed class VocFolderDataset
{
    /// <summary>One sample's files, absolute.</summary>
    public sealed record Sample(string ImagePath, string MaskPath);

    /// <summary>The dataset root (absolute).</summary>
    public string Root { get; }

    /// <summary>The split list this dataset was opened from.</summary>
    public string SplitFile { get; }

    public IReadOnlyList<Sample> Samples { get; }
    public IReadOnlyList<string> ClassNames { get; }
    public int NumClasses => ClassNames.Count;
    public int Count => Samples.Count;
    public int Channels => 3;

    /// <summary>Statistics to normalise with after augmenting: ImageNet's, as pretrained backbones expect.</summary>
    public Normalization Normalization { get; } = Normalization.ImageNet;

    VocFolderDataset(string root, string splitFile, IReadOnlyList<Sample> samples, IReadOnlyList<string> classNames)
        => (Root, SplitFile, Samples, ClassNames) = (root, splitFile, samples, classNames);

    /// <summary>Reads and checks the split list. <paramref name="classNames"/> defaults to VOC's 21 classes.</summary>
    public static VocFolderDataset Open(string root, string splitFile, IReadOnlyList<string>? classNames = null)
    {
        classNames ??= VocPalette.ClassNames;
        if (classNames.Count is < 1 or > Labels.Ignore)
            throw new KitException($"a dataset needs 1 to {Labels.Ignore} classes, got {classNames.Count}");
        var samples = SplitList.Read(root, splitFile).Select(e => new Sample(e.ImagePath, e.MaskPath)).ToList();
        return new VocFolderDataset(Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)), Path.GetFullPath(splitFile), samples, classNames);
    }

    /// <summary>
    /// Sample <paramref name="index"/>: image float32 [3, H, W] in [0, 1] (not normalised: augment
    /// first, then apply <see cref="Normalization"/>), mask int64 [H, W] with values &lt; NumClasses or 255.
    /// </summary>
    public (Tensor Image, Tensor Mask) LoadSample(int index)
    {
        var sample = Samples[index];
        try { return LoadChecked(sample); }
        catch (Exception e) when (MemoryFailure.Is(e))
        {
            // The machine's memory (or a limit on it) is smaller than this image needs: say which image and how big.
            var (width, height) = SafeImageReader.Identify(sample.ImagePath);
            throw new KitException($"reading this {width}×{height} image ({(double)width * height / 1e6:F1} megapixels) ran " +
                                   $"{MemoryFailure.Describe(e)}: use smaller images or a machine with more free memory", sample.ImagePath, e);
        }
    }

    (Tensor Image, Tensor Mask) LoadChecked(Sample sample)
    {
        using var scope = NewDisposeScope();
        var image = SafeImageReader.ReadImage(sample.ImagePath);
        var mask = SafeImageReader.ReadIndexMask(sample.MaskPath);
        if (mask.shape[0] != image.shape[1] || mask.shape[1] != image.shape[2])
            throw new KitException($"mask is {mask.shape[1]}×{mask.shape[0]} but its image {Path.GetFileName(sample.ImagePath)} " +
                                   $"is {image.shape[2]}×{image.shape[1]}", sample.MaskPath);
        var invalid = mask.ge(NumClasses).logical_and_(mask.ne(Labels.Ignore));
        if (invalid.any().item<bool>())
        {
            int value = mask.masked_select(invalid)[0].item<byte>();
            throw new KitException($"mask value {value} is neither a class (< {NumClasses}) nor ignore ({Labels.Ignore})", sample.MaskPath);
        }
        var image01 = image.to_type(ScalarType.Float32).div_(255f);
        return (image01.MoveToOuterDisposeScope(), mask.to_type(ScalarType.Int64).MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Pads a sample to at least <paramref name="cropSize"/> on each side (image with 0, mask with
    /// 255 so padding counts nowhere), at the bottom and right as UniMatch does, then cuts a
    /// <paramref name="cropSize"/>² window at a position drawn from <paramref name="generator"/>.
    /// Image [C, H, W], mask [H, W] → [C, crop, crop], [crop, crop].
    /// </summary>
    public static (Tensor Image, Tensor Mask) RandomCropOrPad(Tensor image, Tensor mask, int cropSize, Generator? generator)
    {
        if (cropSize < 1) throw new KitException($"crop size must be at least 1 pixel, got {cropSize}");
        using var scope = NewDisposeScope();
        long height = image.shape[1], width = image.shape[2];
        long padBottom = Math.Max(cropSize - height, 0), padRight = Math.Max(cropSize - width, 0);
        if (padBottom > 0 || padRight > 0)
        {
            image = nn.functional.pad(image, [0, padRight, 0, padBottom], value: 0);
            mask = nn.functional.pad(mask.unsqueeze(0), [0, padRight, 0, padBottom], value: Labels.Ignore).squeeze(0);
        }
        // randint's bound is exclusive: offsets are drawn in [0, size − crop].
        long top = randint(image.shape[1] - cropSize + 1, [1], generator: generator).item<long>();
        long left = randint(image.shape[2] - cropSize + 1, [1], generator: generator).item<long>();
        var imageCrop = image.narrow(1, top, cropSize).narrow(2, left, cropSize).contiguous();
        var maskCrop = mask.narrow(0, top, cropSize).narrow(1, left, cropSize).contiguous();
        return (imageCrop.MoveToOuterDisposeScope(), maskCrop.MoveToOuterDisposeScope());
    }

    /// <summary>Loads, crops or pads, and stacks samples: images float32 [B, 3, crop, crop] in [0, 1]
    /// (not normalised), masks int64 [B, crop, crop], on <paramref name="device"/>. <paramref name="contentSizes"/>,
    /// when given, receives each sample's own (height, width) inside its crop (less than the crop where padded).</summary>
    public (Tensor Images, Tensor Masks) LoadBatch(long[] indices, int cropSize, Generator? generator, Device? device = null,
        List<(int Height, int Width)>? contentSizes = null)
    {
        using var scope = NewDisposeScope();
        var images = new List<Tensor>();
        var masks = new List<Tensor>();
        foreach (long i in indices)
        {
            // One sample at a time: its full-size decoded tensors (up to ~1.5 GB for a 50-megapixel image) are
            // freed as soon as it is cropped, so memory grows with the crops, not with the images' sizes.
            using var sampleScope = NewDisposeScope();
            var (image, mask) = LoadSample((int)i);
            contentSizes?.Add(((int)Math.Min(image.shape[1], cropSize), (int)Math.Min(image.shape[2], cropSize)));
            var (imageCrop, maskCrop) = RandomCropOrPad(image, mask, cropSize, generator);
            images.Add(imageCrop.clone().MoveToOuterDisposeScope()); // a copy: a view would keep the whole image alive
            masks.Add(maskCrop.clone().MoveToOuterDisposeScope());
        }
        device ??= CPU;
        return (stack(images).to(device).MoveToOuterDisposeScope(), stack(masks).to(device).MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Every sample cut or padded to <paramref name="cropSize"/>² (<see cref="RandomCropOrPad"/>) and
    /// held in memory as a <see cref="SegmentationSplit"/>, the form the trainer takes: right for small
    /// labeled sets and for tests (VOC's 1,464 at 321² are 0.45 GB as uint8); the crop is drawn once, so
    /// later variety comes from the trainer's weak view only. An image smaller than the crop keeps its own
    /// size in <see cref="SegmentationSplit.SampleSizes"/> (the padding is at the bottom and right, where
    /// the crop starts at 0), so that its padding counts nowhere even in an unlabeled batch.
    /// </summary>
    public SegmentationSplit ToSplit(string name, int cropSize, Generator? generator)
    {
        RequireWithinBudget(Count, cropSize, cropSize, $"{cropSize}×{cropSize} crops");
        using var scope = NewDisposeScope();
        var sizes = new List<(int Height, int Width)>();
        var (images, masks) = LoadBatch(Enumerable.Range(0, Count).Select(i => (long)i).ToArray(), cropSize, generator, contentSizes: sizes);
        // Back to the bytes the files held: the [0, 1] floats are exactly byte/255.
        var imageBytes = images.mul_(255f).round_().to_type(ScalarType.Byte);
        bool padded = sizes.Any(s => s.Height < cropSize || s.Width < cropSize);
        return new SegmentationSplit(name, imageBytes, masks.to_type(ScalarType.Byte), ClassNames, Normalization)
            { SampleSizes = padded ? sizes : null };
    }

    /// <summary>
    /// Every sample whole, padded at the bottom and right to the largest height and width among them
    /// (image 0, mask 255), in memory, with each one's own size in <see cref="SegmentationSplit.SampleSizes"/>,
    /// so that evaluation crops the padding off again: VOC's 1,449 val images fit a 500×500 canvas
    /// (1.1 GB as uint8), Cityscapes' 500 are all 1024×2048 (3.1 GB).
    /// </summary>
    /// <summary>Most memory a split of a folder dataset may hold as bytes (images and masks): 16 GiB, enough for
    /// the full-scale recipes (VOC's 10,582 at 321² are 4.4 GB, Cityscapes' 2,975 at 801² 7.6 GB); checked from the
    /// list's length and the images' headers before anything is allocated.</summary>
    public const long MemoryBudgetBytes = 16L << 30;

    void RequireWithinBudget(long count, long height, long width, string what)
    {
        long bytes = count * height * width * (Channels + 1); // uint8 channels and a uint8 mask a pixel
        if (count > 0 && (bytes / count / (Channels + 1) != height * width || bytes > MemoryBudgetBytes))
            throw new KitException($"{count} samples as {what} take {(double)count * height * width * (Channels + 1) / (1 << 30):F1} GiB, " +
                                   $"over the {MemoryBudgetBytes >> 30} GiB budget for a split held in memory", SplitFile);
    }

    IReadOnlyList<(int Height, int Width)>? _sizes;

    /// <summary>Every image's (height, width), from the headers alone (read once).</summary>
    public IReadOnlyList<(int Height, int Width)> ImageSizes() =>
        _sizes ??= Samples.Select(s => SafeImageReader.Identify(s.ImagePath)).Select(wh => (wh.Height, wh.Width)).ToList();

    /// <summary>Refuses, from the headers alone, an image that evaluation (whole, or in windows of <paramref name="window"/>)
    /// could not score within <see cref="Config.EvaluationSettings"/>' memory budgets.</summary>
    public void RequireEvaluable(int? window)
    {
        var sizes = ImageSizes();
        for (int i = 0; i < Count; i++)
            Config.EvaluationSettings.RequireWithinBudget(Samples[i].ImagePath, sizes[i].Width, sizes[i].Height, NumClasses, window);
    }

    public SegmentationSplit ToCanvasSplit(string name, (int Window, int Stride)? slidingWindow = null)
    {
        RequireEvaluable(slidingWindow?.Window);
        var sizes = ImageSizes().ToList();
        int height = sizes.Max(s => s.Height), width = sizes.Max(s => s.Width);
        RequireWithinBudget(Count, height, width, $"whole images padded to {height}×{width}");
        var images = zeros(new long[] { Count, Channels, height, width }, ScalarType.Byte);
        var masks = full(new long[] { Count, height, width }, Labels.Ignore, ScalarType.Byte);
        for (int i = 0; i < Count; i++)
        {
            using var scope = NewDisposeScope();
            var (image, mask) = LoadSample(i);
            long h = image.shape[1], w = image.shape[2];
            images[i, .., ..(int)h, ..(int)w] = image.mul_(255f).round_().to_type(ScalarType.Byte);
            masks[i, ..(int)h, ..(int)w] = mask.to_type(ScalarType.Byte);
        }
        return new SegmentationSplit(name, images, masks, ClassNames, Normalization) { SampleSizes = sizes, SlidingWindow = slidingWindow };
    }
}
