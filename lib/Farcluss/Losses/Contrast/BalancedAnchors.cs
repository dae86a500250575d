using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Losses;

/// <summary>
/// Class-balanced anchor sampling for the prototype contrastive term (METHOD.md §4): at most
/// N_a confident pixels a step, all of them if there are fewer; otherwise each class present
/// gets an equal quota, and quota a class cannot fill passes to the others (water-filling), so
/// a rare class contributes all its pixels and N_a anchors are still drawn. Within a class the
/// anchors are drawn uniformly without replacement. Taught in notebook 06 (prototype-contrast).
/// </summary>
public static class BalancedAnchors
{
    /// <summary>
    /// Picks the anchors. Costs one read-back of the [C] class counts; the per-pixel selection
    /// stays on the device: one sort by (class, random rank) lays each class out contiguously in
    /// random order, and the first quota_c pixels of each class are kept.
    /// </summary>
    /// <param name="labels">[N] labels of the confident pixels (int64, in [0, C)).</param>
    /// <param name="numClasses">C.</param>
    /// <param name="maxAnchors">N_a.</param>
    /// <param name="g">Source of randomness (the within-class draw).</param>
    /// <returns>anchorIndices [M] int64 into <paramref name="labels"/>, M = min(N, N_a), grouped by class.</returns>
    public static Tensor Sample(Tensor labels, int numClasses, int maxAnchors, Generator g)
    {
        Shapes.RequireRank(labels, 1, nameof(labels), "[N]");
        if (numClasses < 1) throw new KitException($"balanced anchors: number of classes must be ≥ 1, got {numClasses}");
        if (maxAnchors < 1) throw new KitException($"balanced anchors: the anchor budget must be ≥ 1, got {maxAnchors}");

        using var scope = torch.NewDisposeScope();
        long n = labels.shape[0];
        var device = labels.device;
        if (n <= maxAnchors) return torch.arange(n, ScalarType.Int64, device).MoveToOuterDisposeScope();

        var classLabels = labels.to(ScalarType.Int64);
        long[] counts = ClassCounts(classLabels, numClasses);
        long[] quotas = Quotas(counts, maxAnchors);

        // Sorting by label·N + a random rank groups the classes in label order and shuffles each
        // class; the random ranks are distinct, so the order is a pure function of g.
        var randomRank = torch.randperm(n, ScalarType.Int64, g.device, generator: g).to(device);
        var order = (classLabels * n + randomRank).argsort();
        var sortedLabels = classLabels.index_select(0, order);
        var classStart = torch.tensor(ExclusivePrefixSum(counts), ScalarType.Int64, device);
        var rankInClass = torch.arange(n, ScalarType.Int64, device) - classStart.index_select(0, sortedLabels);
        var quotaOfPixel = torch.tensor(quotas, ScalarType.Int64, device).index_select(0, sortedLabels);
        return order.masked_select(rankInClass.lt(quotaOfPixel)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Water-filling quotas: every class present gets an equal share of the budget; a class with
    /// fewer pixels than its share gives all of them and the rest of its share is split among the
    /// others, repeatedly. When the budget does not split evenly, the leftover anchors go one each
    /// to the rarest classes still open [kit: it leans toward rare classes and needs no randomness].
    /// </summary>
    /// <param name="counts">[C] pixels per class.</param>
    /// <param name="maxAnchors">N_a.</param>
    /// <returns>[C] anchors per class, each ≤ its count, summing to min(N_a, Σ counts).</returns>
    public static long[] Quotas(long[] counts, long maxAnchors)
    {
        var quotas = new long[counts.Length];
        var open = Enumerable.Range(0, counts.Length).Where(c => counts[c] > 0).ToList();
        long remaining = Math.Min(maxAnchors, counts.Sum());
        while (open.Count > 0 && remaining > 0)
        {
            long share = remaining / open.Count;
            var exhausted = open.Where(c => counts[c] <= share).ToList();
            if (exhausted.Count == 0)
            {
                foreach (int c in open) quotas[c] = share;
                long leftover = remaining - share * open.Count;
                foreach (int c in open.OrderBy(c => counts[c]).ThenBy(c => c).Take((int)leftover)) quotas[c]++;
                break;
            }
            foreach (int c in exhausted)
            {
                quotas[c] = counts[c];
                remaining -= counts[c];
                open.Remove(c);
            }
        }
        return quotas;
    }

    /// <summary>Pixels per class as a small CPU array (the one read-back of the sampler).</summary>
    static long[] ClassCounts(Tensor classLabels, int numClasses)
    {
        using var scope = torch.NewDisposeScope();
        var counts = classLabels.bincount(null, numClasses).cpu().data<long>().ToArray();
        // bincount itself rejects negative labels; a label ≥ C lengthens its result.
        if (counts.Length != numClasses)
            throw new ArgumentException($"anchor labels must lie in [0, {numClasses})", "labels");
        return counts;
    }

    internal static long[] ExclusivePrefixSum(long[] counts)
    {
        var starts = new long[counts.Length];
        for (int c = 1; c < counts.Length; c++) starts[c] = starts[c - 1] + counts[c - 1];
        return starts;
    }
}
