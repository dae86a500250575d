using System.Diagnostics;
using Farcluss.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Tests.Data;

public class M2NistLtTests
{
    static M2NistLtTests() => Farcluss.Runtime.NativeLibTorch.EnsureLoadable();

    [Fact]
    public void PasteAndLabelRulesByHand()
    {
        // A 4×4 canvas. Digit A (class 3, 2×2) at (0,0), then digit B (class 7, 2×2) at (1,1):
        //   A = 200 100     B = 150 150
        //        40  10         150   0
        // After A: (0,0)=200 (0,1)=100 (1,0)=40 (1,1)=10.
        // B covers (1,1),(1,2),(2,1),(2,2): 150 > 10 takes (1,1) for class 7; (1,2),(2,1) become 150/class 7;
        // B's 0 at (2,2) is not brighter than the blank 0, so it changes nothing.
        // Then a 1×1 digit of class 1 with value 200 at (0,0): a tie with A's 200, so A keeps it;
        // and a 1×1 digit of class 5 with value 130 at (0,1): brighter than A's 100, so it wins.
        var canvas = new byte[16];
        var owner = new byte[16];
        CanvasRaster.PasteDigit(canvas, owner, 4, [200, 100, 40, 10], 2, top: 0, left: 0, digitClass: 3);
        CanvasRaster.PasteDigit(canvas, owner, 4, [150, 150, 150, 0], 2, top: 1, left: 1, digitClass: 7);
        CanvasRaster.PasteDigit(canvas, owner, 4, [200], 1, top: 0, left: 0, digitClass: 1);
        CanvasRaster.PasteDigit(canvas, owner, 4, [130], 1, top: 0, left: 1, digitClass: 5);
        Assert.Equal(new byte[] { 200, 130, 0, 0, 40, 150, 150, 0, 0, 150, 0, 0, 0, 0, 0, 0 }, canvas);

        var mask = new byte[16];
        CanvasRaster.LabelPixels(canvas, owner, mask, foregroundThreshold: 128, backgroundThreshold: 32);
        // ≥128 → class + 1: 200(A)→4, 130(class 5)→6, 150(B)→8; 40 is in [32,128) → 255; 0 → background 0.
        Assert.Equal(new byte[] { 4, 6, 0, 0, 255, 8, 8, 0, 0, 8, 0, 0, 0, 0, 0, 0 }, mask);

        // The thresholds' edges: 128 is foreground, 127 and 32 are ignored, 31 is background.
        var edges = new byte[4];
        CanvasRaster.LabelPixels([128, 127, 32, 31], [2, 2, 2, 2], edges);
        Assert.Equal(new byte[] { 3, 255, 255, 0 }, edges);

        Assert.Throws<ArgumentOutOfRangeException>(() => CanvasRaster.PasteDigit(canvas, owner, 4, [1, 1, 1, 1], 2, 3, 0, 0));
    }

    [Fact]
    public void ClassProbabilitiesFollowTheImbalanceLaw()
    {
        // r = 20^(−1/9) = 0.716871; Σ_{d=0..9} r^d = (1 − 20^(−10/9)) / (1 − r) = (1 − 0.035844) / 0.283129 = 3.405363;
        // p0 = 1 / 3.405363 = 0.293654, p9 = p0 / 20 = 0.0146827, p1 = p0 · r = 0.210512.
        var p = M2NistLt.ClassProbabilities(20);
        Assert.Equal(0.293654, p[0], 6);
        Assert.Equal(0.210512, p[1], 6);
        Assert.Equal(0.0146827, p[9], 7);
        Assert.Equal(1.0, p.Sum(), 12);
        Assert.All(M2NistLt.ClassProbabilities(1), q => Assert.Equal(0.1, q, 12)); // ratio 1 = balanced
    }

    [Fact]
    public void DrawnClassFrequenciesMatchTheLaw()
    {
        var p = M2NistLt.ClassProbabilities(20);
        var cumulative = p.ToArray();
        for (int d = 1; d < 10; d++) cumulative[d] += cumulative[d - 1];
        var counts = new long[10];
        var rng = new Pcg32(12345);
        const int draws = 200_000;
        for (int i = 0; i < draws; i++) counts[M2NistLt.DrawClass(ref rng, cumulative)]++;
        // 9 degrees of freedom: P(χ² > 27.88) = 0.001.
        Assert.True(ChiSquare(counts, p) < 27.88, $"χ² = {ChiSquare(counts, p)}, counts {string.Join(",", counts)}");
    }

    [Fact]
    public void GeneratedCanvasesHaveTheLawsClassFrequencies()
    {
        using var dataset = M2NistLt.Generate(FakeMnist(50, 200), FakeMnist(20, 100), SmallSettings with { TrainCount = 3000 });
        var (train, _) = FakeMnistPair;
        var counts = new long[10];
        foreach (var digits in dataset.TrainSources) foreach (int i in digits) counts[train.Labels[i]]++;
        // ~6000 digits (1–3 per canvas, mean 2): still under the 0.001 critical value of χ²(9) = 27.88.
        Assert.InRange(counts.Sum(), 5700, 6300);
        Assert.True(ChiSquare(counts, M2NistLt.ClassProbabilities(20)) < 27.88, string.Join(",", counts));
    }

    [Fact]
    public void SameSeedSameBytesOtherSeedOtherBytes()
    {
        var (train, test) = FakeMnistPair;
        using var a = M2NistLt.Generate(train, test, SmallSettings);
        using var b = M2NistLt.Generate(train, test, SmallSettings);
        using var c = M2NistLt.Generate(train, test, SmallSettings with { Seed = 1 });
        Assert.Equal(Bytes(a.Train.Images), Bytes(b.Train.Images));
        Assert.Equal(Bytes(a.Train.Masks), Bytes(b.Train.Masks));
        Assert.Equal(Bytes(a.Test.Masks), Bytes(b.Test.Masks));
        Assert.Equal(Bytes(a.Validation.Images), Bytes(b.Validation.Images));
        Assert.NotEqual(Bytes(a.Train.Images), Bytes(c.Train.Images));
    }

    [Fact]
    public void TrainValidationAndTestDigitsComeFromDisjointSources()
    {
        // Fake MNIST-train digits are squares of intensity 200, fake t10k digits squares of 100:
        // a training canvas may then only hold the values {0, 200}, a test canvas only {0, 100}.
        var (train, test) = FakeMnistPair;
        using var dataset = M2NistLt.Generate(train, test, SmallSettings);
        Assert.Equal(new byte[] { 0, 200 }, Bytes(dataset.Train.Images).Distinct().Order().ToArray());
        Assert.Equal(new byte[] { 0, 200 }, Bytes(dataset.Validation.Images).Distinct().Order().ToArray());
        Assert.Equal(new byte[] { 0, 100 }, Bytes(dataset.Test.Images).Distinct().Order().ToArray());

        // Validation canvases use only the validation pool, training canvases never touch it.
        var (trainPool, validationPool) = M2NistLt.SplitTrainPool(train.Count, SmallSettings.ValidationPoolSize, SmallSettings.Seed);
        Assert.Empty(trainPool.Intersect(validationPool));
        Assert.Equal(train.Count, trainPool.Length + validationPool.Length);
        var trainUsed = dataset.TrainSources.SelectMany(s => s).ToHashSet();
        var validationUsed = dataset.ValidationSources.SelectMany(s => s).ToHashSet();
        Assert.Empty(trainUsed.Intersect(validationUsed));
        Assert.Subset(validationPool.ToHashSet(), validationUsed);
    }

    [Fact]
    public void ResizeBilinearByHandAndAgainstTorch()
    {
        // 2×2 → 4×4, source position s = (t + 0.5)·0.5 − 0.5, clamped at 0:
        // t=0 → s=0 (clamped from −0.25); t=1 → 0.25; t=3 → 1.25 → both taps on the last pixel.
        // (1,1): rows 0.25: top = 0·0.75 + 100·0.25 = 25, bottom = 100·0.75 + 200·0.25 = 125 → 25·0.75 + 125·0.25 = 50.
        var resized = CanvasRaster.ResizeBilinear([0, 100, 100, 200], 2, 4);
        Assert.Equal(0, resized[0]);
        Assert.Equal(50, resized[1 * 4 + 1]);
        Assert.Equal(200, resized[15]);

        // And a 28 → 20 downscale of a random digit agrees with PyTorch's bilinear (align_corners false) to rounding.
        var digit = FakeMnistPair.Train.Images.Image(0).ToArray();
        new Random(3).NextBytes(digit);
        var mine = CanvasRaster.ResizeBilinear(digit, 28, 20);
        using var source = tensor(digit, [1, 1, 28, 28], ScalarType.Byte).to_type(ScalarType.Float32);
        using var theirs = nn.functional.interpolate(source, [20, 20], mode: InterpolationMode.Bilinear, align_corners: false);
        using var difference = (tensor(mine, [1, 1, 20, 20], ScalarType.Byte).to_type(ScalarType.Float32) - theirs).abs().max();
        Assert.True(difference.item<float>() <= 0.5001f);
    }

    [Fact]
    public void SettingsThatCannotWorkAreRefused()
    {
        var e = Assert.Throws<KitException>(() => new M2NistLtSettings { DigitScale = 3 }.Validate());
        Assert.Contains("84-pixel digit", e.Message); // round(28·3) = 84 > 64
        Assert.Throws<KitException>(() => new M2NistLtSettings { LabeledFraction = 1.5 }.Validate());
        Assert.Equal(250, new M2NistLtSettings().LabeledCount); // 4000 / 16
        Assert.Equal(21, new M2NistLtSettings { DigitScale = 0.75 }.DigitSide); // round(28·0.75) = 21
    }

    [Fact]
    public void RealMnistDefaultDatasetIsShapedAsDocumented()
    {
        // Generation speed (0.2–0.6 s measured) is not asserted: this machine is shared, and times are the bench's job.
        var (train, test) = (MnistTestData.Train, MnistTestData.Test);
        using var dataset = M2NistLt.Generate(train, test, new M2NistLtSettings());

        Assert.Equal((250, 3750, 500, 1000), (dataset.Labeled.Count, dataset.Unlabeled.Count, dataset.Validation.Count, dataset.Test.Count));
        Assert.Equal(new long[] { 250, 1, 64, 64 }, dataset.Labeled.Images.shape);
        Assert.Equal(new long[] { 3750, 64, 64 }, dataset.Unlabeled.Masks.shape);
        Assert.Equal(11, dataset.Labeled.NumClasses);
        Assert.Equal("background", dataset.ClassNames[0]);
        // Labeled = the first 250 training canvases, byte for byte.
        Assert.Equal(Bytes(dataset.Train.Masks)[..(250 * 64 * 64)], Bytes(dataset.Labeled.Masks));

        var maskValues = Bytes(dataset.Train.Masks).Distinct().Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 11).Select(v => (byte)v).Append((byte)255).ToArray(), maskValues);
        Assert.Empty(dataset.TrainSources.SelectMany(s => s).Intersect(dataset.ValidationSources.SelectMany(s => s)));
        // MNIST is mostly black: the canvases' mean is small and their std larger than it.
        Assert.InRange(dataset.Normalization.Mean[0], 0.01f, 0.2f);
        Assert.InRange(dataset.Normalization.Std[0], 0.1f, 0.45f);
    }

    // --- helpers -------------------------------------------------------------------------------

    static readonly M2NistLtSettings SmallSettings = new() { TrainCount = 400, ValidationCount = 100, TestCount = 100, ValidationPoolSize = 250 };

    static readonly Lazy<(MnistDigits Train, MnistDigits Test)> LazyFake = new(() => (FakeMnist(50, 200), FakeMnist(20, 100)));
    static (MnistDigits Train, MnistDigits Test) FakeMnistPair => LazyFake.Value;

    /// <summary><paramref name="perClass"/> digits of each class, each a 10×10 square of <paramref name="intensity"/> in a 28×28 frame.</summary>
    static MnistDigits FakeMnist(int perClass, byte intensity)
    {
        int count = 10 * perClass;
        var pixels = new byte[count * 784];
        for (int i = 0; i < count; i++)
            for (int y = 9; y < 19; y++)
                pixels.AsSpan(i * 784 + y * 28 + 9, 10).Fill(intensity);
        var labels = Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray();
        return MnistDigits.Create(new IdxImages(count, 28, 28, pixels), labels);
    }

    static byte[] Bytes(Tensor t) => t.contiguous().data<byte>().ToArray();

    static double ChiSquare(long[] counts, double[] probabilities)
    {
        double total = counts.Sum();
        return counts.Select((c, d) => Math.Pow(c - total * probabilities[d], 2) / (total * probabilities[d])).Sum();
    }
}
