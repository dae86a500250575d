using Farcluss.Losses;
using TorchSharp;

namespace Farcluss.Tests.Losses;

public class FuzzyPseudoLabelsTests : TorchTestBase
{
    // 2×2 pixels, 3 classes; each row is one pixel's teacher distribution.
    static readonly double[][] TeacherRows =
    {
        new[] { 0.50, 0.30, 0.20 },
        new[] { 0.10, 0.60, 0.30 },
        new[] { 0.25, 0.15, 0.60 },
        new[] { 0.40, 0.35, 0.25 },
    };

    [Fact]
    public void K1_IsTheOneHotArgmax()
    {
        using var teacherProbs = Pixels(2, 2, TeacherRows);
        using var fuzzyTargets = FuzzyPseudoLabels.Compute(teacherProbs, 1);
        // argmax per pixel: 0, 1, 2, 0; the single kept probability renormalises to 1.
        using var expected = Pixels(2, 2, new[] { 1.0, 0, 0 }, new[] { 0, 1.0, 0 }, new[] { 0, 0, 1.0 }, new[] { 1.0, 0, 0 });
        AssertClose(Values(expected), fuzzyTargets, 0);
    }

    [Fact]
    public void K2_RenormalisesTheTopTwo()
    {
        using var teacherProbs = Pixels(2, 2, TeacherRows);
        using var fuzzyTargets = FuzzyPseudoLabels.Compute(teacherProbs, 2);
        // pixel 0: {0.5, 0.3} / 0.8  = 0.625, 0.375, 0
        // pixel 1: {0.6, 0.3} / 0.9  = 0, 2/3, 1/3
        // pixel 2: {0.25, 0.6} / 0.85 = 0.294118, 0, 0.705882
        // pixel 3: {0.4, 0.35} / 0.75 = 0.533333, 0.466667, 0
        using var expected = Pixels(2, 2,
            new[] { 0.625, 0.375, 0 },
            new[] { 0, 2.0 / 3, 1.0 / 3 },
            new[] { 0.25 / 0.85, 0, 0.6 / 0.85 },
            new[] { 0.4 / 0.75, 0.35 / 0.75, 0 });
        AssertClose(Values(expected), fuzzyTargets, 1e-6);
    }

    [Fact]
    public void KEqualsC_KeepsTheWholeDistribution()
    {
        using var teacherProbs = Pixels(2, 2, TeacherRows);
        using var fuzzyTargets = FuzzyPseudoLabels.Compute(teacherProbs, 3);
        // S_K is every class and each row already sums to 1: q = p.
        AssertClose(Values(teacherProbs), fuzzyTargets, 1e-6);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public void KOutsideOneToC_IsAKitError(int k)
    {
        using var teacherProbs = Pixels(2, 2, TeacherRows);
        var error = Assert.Throws<KitException>(() => FuzzyPseudoLabels.Compute(teacherProbs, k));
        Assert.Contains("K must be between 1 and the number of classes (3)", error.Message);
    }
}
