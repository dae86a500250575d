using Farcluss.Config;
using Farcluss.Tests.Data;

namespace Farcluss.Tests.Config;

/// <summary>
/// <see cref="MethodSettings"/> is the one home of the method's defaults, and they are METHOD.md's numbers:
/// each default is checked against its value here and against the phrase in docs/METHOD.md that states it,
/// so a change to either side without the other fails.
/// </summary>
public class MethodSettingsDefaultsTests
{
    static readonly string Method = File.ReadAllText(Path.Combine(MnistTestData.RepoRoot(), "docs", "METHOD.md"));

    public static TheoryData<string, double, string> Defaults()
    {
        var m = new MethodSettings();
        return new TheoryData<string, double, string>
        {
            { nameof(m.TopK), m.TopK, "K = 3" },
            { nameof(m.EntropyGamma), m.EntropyGamma, "γ = 1" },
            { nameof(m.ConfidenceThreshold), m.ConfidenceThreshold, "max p_i ≥ 0.95" },
            { nameof(m.RebalanceMomentum), m.RebalanceMomentum, "m = 0.9" },
            { nameof(m.RebalanceBeta), m.RebalanceBeta, "β = 0.5" },
            { nameof(m.RebalanceEpsilon), m.RebalanceEpsilon, "ε = 1e-6" },
            { nameof(m.MaxClassWeight), m.MaxClassWeight, "r_max = 50" },
            { nameof(m.ProjectionDim), m.ProjectionDim, "D = 64" },
            { nameof(m.PrototypeConfidence), m.PrototypeConfidence, "τ_p = 0.8" },
            { nameof(m.PrototypeMomentum), m.PrototypeMomentum, "m_p = 0.99" },
            { nameof(m.Anchors), m.Anchors, "N_a = 1024" },
            { nameof(m.ContrastTemperature), m.ContrastTemperature, "τ = 0.1" },
            { nameof(m.UnsupervisedWeight), m.UnsupervisedWeight, "λ_u = 1" },
            { nameof(m.ContrastWeight), m.ContrastWeight, "λ_c = 0.1" },
            { nameof(m.RampFraction), m.RampFraction * 100, "T_r = 10%" },
            { nameof(m.EmaDecay), m.EmaDecay, "α = 0.99" },
        };
    }

    [Theory]
    [MemberData(nameof(Defaults))]
    public void Each_default_is_the_number_METHOD_md_states(string setting, double value, string phrase)
    {
        Assert.Contains(phrase, Method);
        double stated = double.Parse(phrase.Split('=', '≥')[^1].Trim().TrimEnd('%'), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(stated == value, $"{setting} is {value}, METHOD.md says {phrase}");
    }

    [Fact]
    public void The_default_method_is_FARCLUSS_with_every_part_on_and_no_warm_up()
    {
        var m = new MethodSettings();
        Assert.True(m.UseUnlabeled && m.UseRebalancing && m.UseCutMix);
        Assert.Equal(PixelWeighting.Entropy, m.Weighting);
        Assert.Equal(ContrastKind.Prototype, m.Contrast);
        Assert.Equal(0, m.WarmupFraction); // METHOD.md has no warm-up; the workshop preset adds one
    }
}
