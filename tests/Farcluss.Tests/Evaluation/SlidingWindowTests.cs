using Farcluss.Config;
using Farcluss.Data;
using Farcluss.Evaluation;
using Farcluss.Models;
using Farcluss.Tests.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Farcluss.Tests.Evaluation;

public class SlidingWindowTests
{
    static SlidingWindowTests() => Farcluss.Runtime.NativeLibTorch.EnsureLoadable();

    /// <summary>A model whose class-0 logit is each pixel's column inside the window it sees (0, 1, 2, …), class 1 is 0:
    /// what the average over overlapping windows gives can be worked out by hand.</summary>
    sealed class ColumnInWindow() : SegmentationModel(nameof(ColumnInWindow))
    {
        public override int FeatureChannels => 1;
        public override int NumClasses => 2;
        public override string Architecture => "column-in-window";
        public override int DecoderOutputStride => 4;
        public override IEnumerable<Parameter> BackboneParameters() => [];
        public override IEnumerable<Parameter> HeadParameters() => [];
        public override SegmentationOutput forward(Tensor images)
        {
            long b = images.shape[0], h = images.shape[2], w = images.shape[3];
            var column = arange(w, ScalarType.Float32).expand(b, 1, h, w);
            return new SegmentationOutput(cat([column, zeros(b, 1, h, w)], 1), zeros(b, 1, h, w));
        }
    }

    [Fact]
    public void WindowStartsByHand()
    {
        // 10 wide, window 6, stride 4: 0, then 4 (= min(4, 10 − 6)).
        Assert.Equal(new long[] { 0, 4 }, SlidingWindow.Starts(10, 6, 4));
        // 13 wide: ⌈(13 − 6)/4⌉ + 1 = 3 windows at 0, 4, and 8 moved back to 7 so it ends at 13.
        Assert.Equal(new long[] { 0, 4, 7 }, SlidingWindow.Starts(13, 6, 4));
        Assert.Equal(new long[] { 0 }, SlidingWindow.Starts(6, 6, 4));
        Assert.Equal(new long[] { 0 }, SlidingWindow.Starts(4, 6, 4)); // shorter than the window: one window of that side
        // Cityscapes at crop 801, stride ⌊801·2/3⌋ = 534: rows 0, 223 of 1024; columns 0, 534, 1068, 1247 of 2048.
        Assert.Equal((801, 534), new EvaluationSettings { Mode = EvaluationSettings.Sliding }.Resolve(801));
        Assert.Equal(new long[] { 0, 223 }, SlidingWindow.Starts(1024, 801, 534));
        Assert.Equal(new long[] { 0, 534, 1068, 1247 }, SlidingWindow.Starts(2048, 801, 534));
    }

    [Fact]
    public void OverlapsAreAveragedByHand()
    {
        // Windows [0, 6) and [4, 10) of a 3×10 image: columns 4 and 5 are covered twice.
        using var counts = SlidingWindow.CoverCounts(3, 10, 6, 4);
        Assert.Equal(new float[] { 1, 1, 1, 1, 2, 2, 1, 1, 1, 1 }, counts[0].data<float>().ToArray());
        // First window gives column c the logit c, the second c − 4. Column 4: (4 + 0)/2 = 2; column 5: (5 + 1)/2 = 3.
        using var model = new ColumnInWindow();
        using var logits = SlidingWindow.Logits(model, zeros(1, 3, 3, 10), 6, 4);
        Assert.Equal(new long[] { 1, 2, 3, 10 }, logits.shape);
        Assert.Equal(new float[] { 0, 1, 2, 3, 2, 3, 2, 3, 4, 5 }, logits[0, 0, 2].data<float>().ToArray());
        Assert.Equal(0, logits[0, 1].abs().sum().item<float>());
    }

    [Fact]
    public void AWindowAtLeastAsLargeAsTheImageIsWholeImageInference()
    {
        using var model = ModelFactory.Create(new ModelSettings { NumClasses = 3, Width = 8 }, new Generator(3));
        model.eval();
        using var noGrad = no_grad();
        using var images = rand(new long[] { 2, 3, 20, 24 }, generator: new Generator(4));
        var whole = model.call(images).Logits;
        Assert.True(SlidingWindow.Logits(model, images, 24, 16).equal(whole).all().item<bool>());
        Assert.True(SlidingWindow.Logits(model, images, 64, 42).equal(whole).all().item<bool>());
    }

    /// <summary>Two VOC-layout samples of different sizes (40×36, 28×30), masks 0/1/2 by column band, a void first row.</summary>
    internal static TempDirectory MakeVocFolder()
    {
        var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("JPEGImages"));
        Directory.CreateDirectory(dir.File("SegmentationClass"));
        foreach (var (name, w, h) in new[] { ("a", 40, 36), ("b", 28, 30) })
        {
            using (var image = new Image<Rgb24>(w, h))
            {
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++) image[x, y] = new Rgb24((byte)(x * 6), (byte)(y * 7), (byte)((x + y) * 3));
                image.SaveAsJpeg(dir.File($"JPEGImages/{name}.jpg"));
            }
            using var mask = new Image<L8>(w, h);
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) mask[x, y] = new L8((byte)(y == 0 ? 255 : x * 3 / w));
            mask.SaveAsPng(dir.File($"SegmentationClass/{name}.png"));
        }
        File.WriteAllText(dir.File("val.txt"), "JPEGImages/a.jpg SegmentationClass/a.png\nJPEGImages/b.jpg SegmentationClass/b.png");
        return dir;
    }

    [Fact]
    public void ResNetDeepLabV3PlusEvaluatesAFolderDatasetWithSlidingWindows()
    {
        using var dir = MakeVocFolder();
        var dataset = VocFolderDataset.Open(dir.Path, dir.File("val.txt"), ["background", "left", "right"]);
        using var model = new ResNetDeepLabV3Plus(new ResNetModelSettings { NumClasses = 3 }, new Generator(5));
        var sliding = new EvaluationSettings { Mode = EvaluationSettings.Sliding };

        // Window 33 < both images (3×2 and 1×1 … windows): every valid pixel counted once.
        var windowed = Evaluator.ConfusionOf(model, dataset, CPU, sliding, cropSize: 33);
        long valid = 40 * 35 + 28 * 29; // all pixels but the void first row
        Assert.Equal(valid, Enumerable.Range(0, 3).Sum(t => Enumerable.Range(0, 3).Sum(p => windowed[t, p])));

        // Window ≥ every image: the same matrix as whole-image evaluation, cell for cell.
        var whole = Evaluator.ConfusionOf(model, dataset, CPU, new EvaluationSettings());
        var single = Evaluator.ConfusionOf(model, dataset, CPU, sliding with { Window = 48 });
        for (int t = 0; t < 3; t++)
            for (int p = 0; p < 3; p++) Assert.Equal(whole[t, p], single[t, p]);
        Assert.True(model.training); // the evaluator restores the mode
    }

    [Fact]
    public void BadSettingsAreKitErrors()
    {
        Assert.Throws<KitException>(() => new EvaluationSettings { Mode = "tiles" }.Validate());
        Assert.Throws<KitException>(() => new EvaluationSettings { StrideFraction = 0 }.Validate());
        Assert.Throws<KitException>(() => new EvaluationSettings { Mode = EvaluationSettings.Sliding }.Resolve(0));
        Assert.Throws<KitException>(() => SlidingWindow.Starts(10, 0, 4));
    }
}
