using Farcluss.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Tests.Losses;

public class BalancedAnchorsTests : TorchTestBase
{
    [Fact]
    public void Quotas_RefillWhatARareClassCannotTake()
    {
        // N_a = 30 over 3 classes: 10 each. Class 1 has only 5, so it gives all 5 and its other
        // 5 pass on: 25 left for classes 0 and 2 → 12 each, and the odd one goes to the rarer (class 2).
        Assert.Equal(new long[] { 12, 5, 13 }, BalancedAnchors.Quotas(new long[] { 1000, 5, 300 }, 30));
        // An absent class takes nothing: 8 over classes 1 and 2 → 4 each.
        Assert.Equal(new long[] { 0, 4, 4 }, BalancedAnchors.Quotas(new long[] { 0, 10, 10 }, 8));
        // Refill cascades: shares 12 → class 0 (2) full → 34 / 2 = 17 → class 1 (10) full → 24 to class 2.
        Assert.Equal(new long[] { 2, 10, 24 }, BalancedAnchors.Quotas(new long[] { 2, 10, 500 }, 36));
    }

    [Fact]
    public void Sample_BalancesWithRefill_AndHasNoDuplicates()
    {
        using var scope = torch.NewDisposeScope();
        // 1000 pixels of class 0, 5 of class 1, 300 of class 2, shuffled.
        var g = new Generator(3);
        var ordered = torch.cat(new[] { torch.zeros(1000, ScalarType.Int64), torch.ones(5, ScalarType.Int64), torch.full(300, 2L) });
        var labels = ordered.index_select(0, torch.randperm(1305, generator: g));
        var anchors = BalancedAnchors.Sample(labels, 3, 30, g);

        Assert.Equal(30, anchors.shape[0]);
        Assert.Equal(30, anchors.unique().Item1.shape[0]); // no pixel twice
        var perClass = labels.index_select(0, anchors).bincount(null, 3);
        Assert.Equal(new long[] { 12, 5, 13 }, perClass.data<long>().ToArray());
        // All five pixels of the rare class are among the anchors.
        var rareChosen = labels.index_select(0, anchors).eq(1).sum().item<long>();
        Assert.Equal(5, rareChosen);
    }

    [Fact]
    public void Sample_TakesEverythingUnderTheBudget_AndIsAPureFunctionOfTheGenerator()
    {
        using var scope = torch.NewDisposeScope();
        var labels = torch.tensor(new long[] { 2, 0, 1, 1 });
        Assert.Equal(new long[] { 0, 1, 2, 3 }, BalancedAnchors.Sample(labels, 3, 4, new Generator(1)).data<long>().ToArray());

        var many = torch.randint(0, 3, new long[] { 500 }, generator: new Generator(5));
        var first = BalancedAnchors.Sample(many, 3, 60, new Generator(9)).data<long>().ToArray();
        var again = BalancedAnchors.Sample(many, 3, 60, new Generator(9)).data<long>().ToArray();
        var other = BalancedAnchors.Sample(many, 3, 60, new Generator(10)).data<long>().ToArray();
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }
}
