using Farcluss.Losses;
using TorchSharp;

namespace Farcluss.Tests.Losses;

public class UncertaintyWeightTests : TorchTestBase
{
    [Fact]
    public void UniformIsZeroOneHotIsOne_AndAMiddleValueByHand()
    {
        using var teacherProbs = Pixels(2, 2,
            new[] { 1.0 / 3, 1.0 / 3, 1.0 / 3 }, // H = log 3      → H̃ = 1 → w = 0
            new[] { 0.0, 1.0, 0.0 },             // H = 0 (0 log 0 = 0) → w = 1
            new[] { 0.5, 0.25, 0.25 },           // H = 0.5 ln 2 + 0.5 ln 4 = 1.5 ln 2 = 1.039721, H̃ = 1.039721 / ln 3 = 0.946395
            new[] { 0.8, 0.1, 0.1 });            // H = 0.8·0.223144 + 0.2·2.302585 = 0.639032, H̃ = 0.581672
        using var entropy = UncertaintyWeight.NormalizedEntropy(teacherProbs);
        Assert.Equal(new long[] { 1, 2, 2 }, entropy.shape);
        AssertClose(new[] { 1.0, 0.0, 0.946395, 0.581672 }, entropy);

        using var weightGamma1 = UncertaintyWeight.Compute(teacherProbs, 1.0);
        // w = 1 − H̃: 0, 1, 0.053605, 0.418328
        AssertClose(new[] { 0.0, 1.0, 0.053605, 0.418328 }, weightGamma1);

        using var weightGamma2 = UncertaintyWeight.Compute(teacherProbs, 2.0);
        // w = (1 − H̃)²: 0, 1, 0.0028735, 0.174998
        AssertClose(new[] { 0.0, 1.0, 0.0028735, 0.174998 }, weightGamma2);

        using var weightGamma0 = UncertaintyWeight.Compute(teacherProbs, 0.0);
        AssertClose(new[] { 1.0, 1.0, 1.0, 1.0 }, weightGamma0, 0);
    }

    [Fact]
    public void ConfidenceThreshold_KeepsPixelsWhoseTopProbabilityReachesTau()
    {
        using var teacherProbs = Pixels(2, 2,
            new[] { 0.96, 0.02, 0.02 }, // max 0.96 ≥ 0.95 → 1
            new[] { 0.5, 0.25, 0.25 },  // max 0.5        → 0
            new[] { 0.01, 0.01, 0.98 }, // max 0.98       → 1
            new[] { 0.9, 0.05, 0.05 }); // max 0.9        → 0
        using var mask = UncertaintyWeight.ConfidenceThreshold(teacherProbs, 0.95);
        AssertClose(new[] { 1.0, 0, 1, 0 }, mask, 0);
    }

    [Fact]
    public void NegativeGammaAndOneClass_AreKitErrors()
    {
        using var teacherProbs = Pixels(1, 1, new[] { 0.5, 0.5 });
        Assert.Throws<KitException>(() => UncertaintyWeight.Compute(teacherProbs, -1));
        using var oneClass = Pixels(1, 1, new[] { 1.0 });
        Assert.Throws<KitException>(() => UncertaintyWeight.NormalizedEntropy(oneClass));
    }
}
