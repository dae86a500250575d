using Farcluss.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Tests.Data;

/// <summary>The unlabeled batch the trainer builds: which pixels count comes from padding, never from the hidden labels.</summary>
public class UnlabeledBatchTests
{
    static UnlabeledBatchTests() => Farcluss.Runtime.NativeLibTorch.EnsureLoadable();

    const int W = 12, H = 10, Crop = 16;

    /// <summary>A VOC-layout folder with two 12×10 images (smaller than the 16² crop, as VOC's ≤ 500 px images are
    /// for gpu-voc-blended's 513² crops); each mask is class 1 except its first row, which is void (255).</summary>
    static TempDirectory SmallImages()
    {
        var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("JPEGImages"));
        Directory.CreateDirectory(dir.File("SegmentationClass"));
        foreach (var id in new[] { "a", "b" })
        {
            using (var image = new Image<Rgb24>(W, H, new Rgb24(200, 100, 50))) image.SaveAsJpeg(dir.File($"JPEGImages/{id}.jpg"));
            using var mask = new Image<L8>(W, H, new L8(1));
            for (int x = 0; x < W; x++) mask[x, 0] = new L8(255);
            mask.SaveAsPng(dir.File($"SegmentationClass/{id}.png"));
        }
        File.WriteAllText(dir.File("ids.txt"), "a\nb\n");
        return dir;
    }

    /// <summary>The weak view as the identity (zoom 1, no flip), so pixels stay where the data put them.</summary>
    static readonly AugmentSettings Identity = new() { ScaleMin = 1, ScaleMax = 1, FlipHorizontal = false };

    [Fact]
    public void Padding_added_to_fit_the_crop_counts_nowhere_and_a_void_hidden_label_counts()
    {
        // Before issue 15 the trainer took validity from the hidden masks (255 → 254, then 255 = padded by the
        // weak view only), so the folder dataset's own padding (mask 255) became valid: 16² − 12×10 = 136
        // padded pixels per image counted in L_u, in the rebalancer and in the confident set.
        using var dir = SmallImages();
        var dataset = VocFolderDataset.Open(dir.Path, dir.File("ids.txt"), ["background", "thing"]);
        using var split = dataset.ToSplit("unlabeled", Crop, new Generator(0));
        using var scope = NewDisposeScope();
        var batch = UnlabeledBatch.Draw(split, [0, 1], Identity, cutMix: false, new Generator(1), CPU);

        var valid = batch.Valid;
        Assert.Equal(new long[] { 2, Crop, Crop }, valid.shape);
        Assert.Equal(2L * W * H, valid.sum().item<long>());                    // the images' own pixels, no more
        Assert.True(valid[.., ..H, ..W].all().item<bool>());                  // including the void first row
        Assert.False(valid[.., H.., ..].any().item<bool>());                  // padding below
        Assert.False(valid[.., .., W..].any().item<bool>());                  // padding to the right
        Assert.True(batch.Hidden[.., 0, ..W].eq(Labels.Ignore).all().item<bool>()); // the hidden labels keep their 255
        Assert.True(batch.Hidden[.., 1..H, ..W].eq(1).all().item<bool>());
    }

    [Fact]
    public void A_dataset_without_padding_counts_every_pixel_the_weak_view_keeps()
    {
        // M2NIST-LT canvases fill the crop: validity is the weak view's coverage alone, as before issue 15
        // (which is why no M2NIST number moved). A hidden 255 (a stroke edge) still counts.
        using var scope = NewDisposeScope();
        var masks = full(new long[] { 2, 8, 8 }, Labels.Ignore, ScalarType.Byte);
        using var split = new SegmentationSplit("unlabeled", zeros(new long[] { 2, 1, 8, 8 }, ScalarType.Byte), masks,
            ["background", "thing"], Normalization.Identity(1));
        var batch = UnlabeledBatch.Draw(split, [0, 1], Identity, cutMix: false, new Generator(1), CPU);
        Assert.True(batch.Valid.all().item<bool>());

        // Zoomed out, the canvas around the half-size image is the weak view's padding: exactly the pixels the
        // same draw marks 255 in a mask that holds no 255 (the rule the trainer used before, for M2NIST-LT).
        var zoomOut = new AugmentSettings { ScaleMin = 0.5, ScaleMax = 0.5 };
        var zoomedOut = UnlabeledBatch.Draw(split, [0, 1], zoomOut, cutMix: false, new Generator(1), CPU);
        var (images, _) = split.Batch([0, 1], normalize: false);
        var (_, warped) = Augment.WeakView(images, zeros(new long[] { 2, 8, 8 }, ScalarType.Int64), zoomOut, new Generator(1));
        Assert.True(zoomedOut.Valid.eq(warped.ne(Labels.Ignore)).all().item<bool>());
        Assert.InRange(zoomedOut.Valid.sum().item<long>(), 1, 2 * 4 * 4);
    }

    [Fact]
    public void CutMix_moves_validity_and_hidden_labels_with_the_images()
    {
        using var dir = SmallImages();
        var dataset = VocFolderDataset.Open(dir.Path, dir.File("ids.txt"), ["background", "thing"]);
        using var split = dataset.ToSplit("unlabeled", Crop, new Generator(0));
        using var scope = NewDisposeScope();
        var plain = UnlabeledBatch.Draw(split, [0, 1], Identity with { CutMixProbability = 1 }, cutMix: false, new Generator(3), CPU);
        var mixed = UnlabeledBatch.Draw(split, [0, 1], Identity with { CutMixProbability = 1 }, cutMix: true, new Generator(3), CPU);
        Assert.NotNull(mixed.Boxes);
        Assert.True(mixed.Boxes!.Apply(plain.Valid).eq(mixed.Valid).all().item<bool>());
        Assert.True(mixed.Boxes.Apply(plain.Hidden).eq(mixed.Hidden).all().item<bool>());
        Assert.True(mixed.Mix(plain.Strong).eq(mixed.Strong).all().item<bool>());
        Assert.True(plain.Weak.eq(mixed.Weak).all().item<bool>()); // the teacher's view is never mixed
    }

    [Fact]
    public void The_content_mask_follows_each_samples_size_and_survives_a_slice()
    {
        using var scope = NewDisposeScope();
        using var split = new SegmentationSplit("s", zeros(new long[] { 2, 1, 4, 5 }, ScalarType.Byte), zeros(new long[] { 2, 4, 5 }, ScalarType.Byte),
            ["a", "b"], Normalization.Identity(1)) { SampleSizes = [(4, 5), (2, 3)] };
        var content = split.ContentMask([1, 0]);
        Assert.Equal(6L + 20L, content.sum().item<long>());
        Assert.True(content[0, ..2, ..3].all().item<bool>());
        using var second = split.Slice("second", 1, 1);
        Assert.Equal(6L, second.ContentMask([0]).sum().item<long>());
    }
}
