using Farcluss.Config;
using Farcluss.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Tests.Losses;

public class ClassRebalancerTests : TorchTestBase
{
    [Fact]
    public void StartsUniform_WithEveryWeightOne()
    {
        using var rebalancer = new ClassRebalancer(3, new MethodSettings());
        AssertClose(new[] { 1.0 / 3, 1.0 / 3, 1.0 / 3 }, rebalancer.Frequencies, 1e-7);
        // f uniform → every r̃ equal → r = r̃ / (Σ f r̃) = r̃ / r̃ = 1.
        using var classWeights = rebalancer.ClassWeights();
        AssertClose(new[] { 1.0, 1.0, 1.0 }, classWeights, 1e-6);
    }

    [Fact]
    public void ClassWeights_ByHand_AverageToOneUnderF()
    {
        using var rebalancer = new ClassRebalancer(3, new MethodSettings());
        using var frequencies = torch.tensor(new[] { 0.7f, 0.2f, 0.1f });
        rebalancer.Frequencies = frequencies;
        using var classWeights = rebalancer.ClassWeights();
        // r̃ = (f + 1e-6)^(−0.5) = 1.195228, 2.236062, 3.162262 (none reaches r_max = 50)
        // Σ f r̃ = 0.836660 + 0.447212 + 0.316226 = 1.600098
        // r = r̃ / 1.600098 = 0.746972, 1.397453, 1.976292
        AssertClose(new[] { 0.746972, 1.397453, 1.976292 }, classWeights);
        using var average = (frequencies * classWeights).sum();
        AssertClose(1.0, average, 1e-6);
    }

    [Fact]
    public void TheClipEngages_ForAClassWithZeroFrequency()
    {
        using var rebalancer = new ClassRebalancer(3, new MethodSettings());
        using var frequencies = torch.tensor(new[] { 0.6f, 0.4f, 0.0f });
        rebalancer.Frequencies = frequencies;
        using var classWeights = rebalancer.ClassWeights();
        // r̃ = 0.6^(−0.5) = 1.290994, 0.4^(−0.5) = 1.581137, min((0 + 1e-6)^(−0.5) = 1000, 50) = 50
        // Σ f r̃ = 0.774597 + 0.632455 + 0 = 1.407051
        // r = 0.917517, 1.123724, 50 / 1.407051 = 35.535321
        AssertClose(new[] { 0.917517, 1.123724, 35.535321 }, classWeights, 2e-5);
        var r = Values(classWeights);
        Assert.Equal(50.0 / 1.290994, r[2] / r[0], 3); // the capped r̃ before normalisation is exactly r_max
        using var average = (frequencies * classWeights).sum();
        AssertClose(1.0, average, 1e-6);
    }

    [Fact]
    public void OneUpdate_MatchesTheFormula_AndIgnoresInvalidPixels()
    {
        using var rebalancer = new ClassRebalancer(3, new MethodSettings { RebalanceMomentum = 0.9 });
        using var fuzzyTargets = Pixels(2, 2,
            new[] { 1.0, 0, 0 },
            new[] { 0.5, 0.5, 0 },
            new[] { 0, 0.25, 0.75 },
            new[] { 0, 0, 1.0 });  // invalid: must not count
        using var valid = Mask(2, 2, true, true, true, false);
        rebalancer.Update(fuzzyTargets, valid);
        // n = (1 + 0.5, 0.5 + 0.25, 0.75) = (1.5, 0.75, 0.75), Σ n = 3, f̂ = (0.5, 0.25, 0.25)
        // f = 0.9 · 1/3 + 0.1 · f̂ = (0.35, 0.325, 0.325)
        AssertClose(new[] { 0.35, 0.325, 0.325 }, rebalancer.Frequencies, 1e-6);

        using var noneValid = Mask(2, 2, false, false, false, false);
        rebalancer.Update(fuzzyTargets, noneValid); // no valid pixel: no update
        AssertClose(new[] { 0.35, 0.325, 0.325 }, rebalancer.Frequencies, 1e-6);
    }

    [Fact]
    public void PixelClassWeights_AreTheTargetWeightedClassWeights()
    {
        using var rebalancer = new ClassRebalancer(3, new MethodSettings());
        using var fuzzyTargets = Pixels(2, 2,
            new[] { 1.0, 0, 0 },
            new[] { 0.5, 0.5, 0 },
            new[] { 0, 0.25, 0.75 },
            new[] { 0, 0, 1.0 });
        using var classWeights = torch.tensor(new[] { 1f, 2f, 4f });
        using var pixelClassWeights = rebalancer.PixelClassWeights(fuzzyTargets, classWeights);
        // ρ = Σ_c q_c r_c: 1; 0.5 + 1 = 1.5; 0.5 + 3 = 3.5; 4
        Assert.Equal(new long[] { 1, 2, 2 }, pixelClassWeights.shape);
        AssertClose(new[] { 1.0, 1.5, 3.5, 4.0 }, pixelClassWeights, 1e-6);
    }

    [Fact]
    public void State_RoundTripsThroughTheSetter_AndSurvivesADisposeScope()
    {
        ClassRebalancer rebalancer;
        using (var scope = torch.NewDisposeScope())
            rebalancer = new ClassRebalancer(3, new MethodSettings()); // built inside a scope: its state must outlive it
        using (rebalancer)
        {
            using var saved = torch.tensor(new[] { 0.5f, 0.3f, 0.2f });
            rebalancer.Frequencies = saved;
            AssertClose(new[] { 0.5, 0.3, 0.2 }, rebalancer.Frequencies, 1e-7);
            Assert.Throws<ArgumentException>(() => rebalancer.Frequencies = torch.ones(4));
        }
    }
}
