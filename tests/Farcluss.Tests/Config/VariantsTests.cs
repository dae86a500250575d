using Farcluss.Config;

namespace Farcluss.Tests.Config;

public class VariantsTests
{
    [Fact]
    public void The_ladder_adds_one_part_at_a_time()
    {
        // METHOD.md: 2 hard (K=1, threshold 0.95, r=1, no contrast) → 3 +fuzzy (K=3, w=1) → 4 +weight → 5 +rebalancing → 6 +prototypes.
        Assert.False(Variants.Supervised.UseUnlabeled);
        Assert.Equal(1, Variants.Hard.TopK);
        Assert.Equal(PixelWeighting.Threshold, Variants.Hard.Weighting);
        Assert.Equal(0.95, Variants.Hard.ConfidenceThreshold);
        Assert.False(Variants.Hard.UseRebalancing);
        Assert.Equal(ContrastKind.None, Variants.Hard.Contrast);
        Assert.Equal(Variants.Fuzzy with { Weighting = PixelWeighting.Entropy }, Variants.Weight);
        Assert.Equal(Variants.Weight with { UseRebalancing = true }, Variants.Rebalance);
        Assert.Equal(Variants.Rebalance with { Contrast = ContrastKind.Prototype }, Variants.Farcluss);
        Assert.Equal(3, Variants.Farcluss.TopK);
    }

    [Fact]
    public void An_unknown_variant_names_the_known_ones()
    {
        var e = Assert.Throws<KitException>(() => Variants.Get("farclus"));
        Assert.Contains("farcluss", e.Message);
    }
}
