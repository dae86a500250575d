using Farcluss.Models;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Farcluss.Tests.Models;

public class CompactDeepLabV3PlusTests(ITestOutputHelper output) : ModelTestBase
{
    // Hand count of CompactDeepLabV3Plus's parameters for width w, input channels i, C classes
    // (bias-free convs followed by BatchNorm, which adds 2 per channel):
    //   stage1  conv i→w 3×3: 9iw + 2w;           residual(w):  18w² + 4w
    //   stage2  conv w→2w:    18w² + 4w;          residual(2w): 72w² + 8w
    //   stage3  conv 2w→4w:   72w² + 8w;          residual(4w) and dilated residual(4w): 2·(288w² + 16w)
    //   ASPP 4w→4w: 1×1 16w² + 8w; three 3×3 3·(144w² + 8w); image pool 16w² + 4w (bias);
    //               projection 5·4w→4w 80w² + 8w                          = 544w² + 44w
    //   decoder (skip from 2w at 1/4): skip 1×1 2w→w 2w² + 2w; fuse 3×3 5w→2w 90w² + 4w;
    //               fuse 3×3 2w→2w 36w² + 4w                               = 128w² + 10w
    //               (skip from w at 1/2: w² + 2w for the skip: one w² less)
    //   classifier 1×1 2w→C with bias: 2wC + C
    // Sum: 1428w² + 112w + 9iw + 2wC + C at decoder stride 4.
    static long HandCount(long w, long i, long c, int decoderStride) =>
        1428 * w * w + 112 * w + 9 * i * w + 2 * w * c + c - (decoderStride == 2 ? w * w : 0);

    [Fact]
    public void DefaultWidthHasAbout2Point3MillionParameters()
    {
        using var model = new CompactDeepLabV3Plus(new CompactModelSettings { NumClasses = 21 });
        long count = CountParameters(model.parameters());
        // w = 40, i = 3, C = 21: 1428·1600 + 112·40 + 9·3·40 + 2·40·21 + 21
        //                      = 2 284 800 + 4 480 + 1 080 + 1 680 + 21 = 2 292 061
        Assert.Equal(2_292_061, count);
        Assert.Equal(HandCount(40, 3, 21, 4), count);
        Assert.InRange(count, 2_000_000, 3_000_000);
        Assert.Equal(80, model.FeatureChannels);
        Assert.Equal("compact-w40-os4", model.Architecture);
    }

    [Theory]
    [InlineData(20, 3, 21, 4)] // the half-width model: 571 200 + 2 240 + 540 + 840 + 21 = 574 841
    [InlineData(40, 1, 11, 2)]
    [InlineData(8, 1, 2, 4)]
    public void ParameterCountMatchesTheHandCount(int width, int inChannels, int numClasses, int decoderStride)
    {
        using var model = new CompactDeepLabV3Plus(new CompactModelSettings
        {
            NumClasses = numClasses, InChannels = inChannels, Width = width, DecoderOutputStride = decoderStride,
        });
        Assert.Equal(HandCount(width, inChannels, numClasses, decoderStride), CountParameters(model.parameters()));
        if (width == 20) Assert.Equal(574_841, CountParameters(model.parameters()));
    }

    [Fact]
    public void BackboneAndHeadSplitEveryParameterExactlyOnce()
    {
        using var model = new CompactDeepLabV3Plus(new CompactModelSettings { NumClasses = 3, Width = 8 });
        var all = model.parameters().ToList();
        var backbone = model.BackboneParameters().ToList();
        var head = model.HeadParameters().ToList();
        Assert.Equal(all.Count, backbone.Count + head.Count);
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var p in backbone.Concat(head)) Assert.True(seen.Add(p));
        Assert.All(all, p => Assert.Contains(p, seen));
    }

    // Stride-2 "same" convolutions map H to ⌈H/2⌉: 65 → 33 → 17 → 9, and 64 → 32 → 16 → 8.
    [Theory]
    [InlineData(65, 4, 17)]
    [InlineData(65, 2, 33)]
    [InlineData(64, 4, 16)]
    [InlineData(64, 2, 32)]
    [InlineData(33, 4, 9)]
    public void LogitsAreAtInputSizeAndFeaturesAtTheDecoderStride(int size, int decoderStride, int featureSize)
    {
        using var model = new CompactDeepLabV3Plus(new CompactModelSettings
        {
            NumClasses = 5, InChannels = 1, Width = 8, DecoderOutputStride = decoderStride,
        }, new Generator(1));
        using var images = torch.rand(new long[] { 2, 1, size, size }, generator: new Generator(2));
        var result = model.call(images);
        Assert.Equal(new long[] { 2, 5, size, size }, Shape(result.Logits));
        Assert.Equal(new long[] { 2, 16, featureSize, featureSize }, Shape(result.Features));
        Assert.Equal(decoderStride, model.DecoderOutputStride);
        result.Logits.Dispose();
        result.Features.Dispose();
    }

    [Fact]
    public void NonSquareInputsKeepTheirShape()
    {
        using var model = new CompactDeepLabV3Plus(new CompactModelSettings { NumClasses = 3, Width = 8 }, new Generator(1));
        model.eval();
        using var images = torch.rand(new long[] { 1, 3, 40, 72 }, generator: new Generator(2));
        var result = model.call(images);
        Assert.Equal(new long[] { 1, 3, 40, 72 }, Shape(result.Logits));
        Assert.Equal(new long[] { 1, 16, 10, 18 }, Shape(result.Features)); // 40 → 20 → 10; 72 → 36 → 18
    }

    [Fact]
    public void ADecoderStrideOtherThan4Or2IsAKitError()
    {
        var error = Assert.Throws<KitException>(() =>
            new CompactDeepLabV3Plus(new CompactModelSettings { NumClasses = 3, DecoderOutputStride = 8 }));
        Assert.Contains("DecoderOutputStride", error.Message);
    }

    [Fact]
    public void ATooSmallWidthIsAKitError()
    {
        var error = Assert.Throws<KitException>(() => new CompactDeepLabV3Plus(new CompactModelSettings { NumClasses = 3, Width = 2 }));
        Assert.Contains("Width", error.Message);
    }

    [Fact]
    public void SameGeneratorSeedBuildsIdenticalWeights()
    {
        var settings = new CompactModelSettings { NumClasses = 3, Width = 8 };
        using var first = new CompactDeepLabV3Plus(settings, new Generator(42));
        using var second = new CompactDeepLabV3Plus(settings, new Generator(42));
        using var other = new CompactDeepLabV3Plus(settings, new Generator(43));
        var a = first.state_dict();
        var b = second.state_dict();
        var c = other.state_dict();
        Assert.Equal(a.Keys, b.Keys);
        foreach (var key in a.Keys) Assert.True(a[key].eq(b[key]).all().item<bool>(), key);
        Assert.False(a["classifier.weight"].eq(c["classifier.weight"]).all().item<bool>());
    }

    /// <summary>
    /// The whole point of a segmentation net in one check: it can memorise one batch. 4 images of
    /// a bright square, 2 classes, 150 Adam steps at lr 1e-3 must bring the cross-entropy below
    /// 10% of its start and the pixel accuracy above 95%.
    /// </summary>
    [Fact]
    public void OverfitsOneBatchOfBrightSquares()
    {
        var generator = new Generator(2026);
        var (images, masks) = BrightSquares(4, 32, generator);
        // Width 16 (0.37 M parameters) keeps the test at a few seconds on 2 cores, with channel counts oneDNN computes right on every CPU seen.
        using var model = new CompactDeepLabV3Plus(new CompactModelSettings { NumClasses = 2, InChannels = 1, Width = 16 }, generator);
        using var optimizer = torch.optim.Adam(model.parameters(), lr: 1e-3);
        model.train();
        double firstLoss = 0, lastLoss = 0;
        for (int step = 0; step < 150; step++)
        {
            using var scope = torch.NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.call(images).Logits, masks, ignore_index: Labels.Ignore);
            loss.backward();
            optimizer.step();
            if (step == 0) firstLoss = loss.item<float>();
            if (step == 149) lastLoss = loss.item<float>();
        }
        // A guess of 1/2 for both classes costs −ln(1/2) = ln 2 ≈ 0.693 per pixel; after 150 steps
        // the model must be ten times better than that, and better than where it started.
        Assert.True(lastLoss < 0.0693 && lastLoss < firstLoss, $"loss went from {firstLoss} to {lastLoss}");
        using var noGrad = torch.no_grad();
        model.eval();
        var predicted = model.call(images).Logits.argmax(1);
        double accuracy = predicted.eq(masks).to(ScalarType.Float64).mean().item<double>();
        output.WriteLine($"cross-entropy {firstLoss:F4} → {lastLoss:F4}, pixel accuracy {accuracy:P2}");
        Assert.True(accuracy > 0.95, $"pixel accuracy {accuracy}");
    }
}
