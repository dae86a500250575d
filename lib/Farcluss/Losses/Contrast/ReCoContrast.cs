using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Farcluss.Losses;

/// <summary>
/// A ReCo-style pairwise regional contrastive term (Liu et al., ICLR 2022, lorenmt/reco
/// <c>compute_reco_loss</c>), kept as the cost comparison the paper's "lightweight" claim is
/// about (METHOD.md, "Baselines"). For each class present: queries are up to 256 of its pixels
/// whose confidence is below 0.97 (the hard ones; a class with none is skipped); the positive
/// key is the class's mean feature; 512 negative keys per query are pixels of other classes,
/// the class drawn from softmax(cos(mean_i, mean_j)/τ) over the other classes present (ReCo's
/// active sampling) and the pixel uniformly within it; logits are cosine similarities / τ, and
/// the loss is cross-entropy with the positive as target. Keys carry no gradient (ReCo builds
/// them under no_grad). The class losses are summed and divided by the number of classes
/// present, skipped ones included, and fewer than two classes give 0, as in ReCo.
/// Differences from ReCo, both as METHOD.md words it: queries are drawn without replacement
/// (all of them if there are fewer than 256; ReCo draws 256 with replacement), and ReCo's 0.05
/// attenuation is left to the caller's λ. Taught in notebook 08 (cost).
/// </summary>
public static class ReCoContrast
{
    public const int DefaultQueries = 256;
    public const int DefaultNegatives = 512;
    public const double DefaultTemperature = 0.5;
    public const double DefaultHardThreshold = 0.97;

    /// <summary>The ReCo-style loss.</summary>
    /// <param name="embeddings">[N, D] embeddings of all valid pixels (with gradient).</param>
    /// <param name="labels">[N] their labels (int64); labels outside [0, C) belong to no class.</param>
    /// <param name="confidence">[N] confidence of each pixel in its label (ReCo: the prediction's probability of that class).</param>
    /// <param name="numClasses">C.</param>
    /// <param name="g">Source of randomness (queries and negatives).</param>
    /// <param name="queries">Queries per class.</param>
    /// <param name="negatives">Negative keys per query.</param>
    /// <param name="temperature">τ.</param>
    /// <param name="hardThreshold">Pixels below this confidence can be queries.</param>
    /// <param name="activeSampling">true: ReCo's similarity-weighted choice of the negative class;
    /// false: negatives uniform over all pixels of the other classes.</param>
    /// <returns>A scalar loss.</returns>
    public static Tensor Loss(Tensor embeddings, Tensor labels, Tensor confidence, int numClasses, Generator g,
        int queries = DefaultQueries, int negatives = DefaultNegatives, double temperature = DefaultTemperature,
        double hardThreshold = DefaultHardThreshold, bool activeSampling = true)
    {
        CheckArguments(embeddings, labels, confidence, numClasses, queries, negatives, temperature);
        long n = embeddings.shape[0];
        using var scope = torch.NewDisposeScope();
        var device = embeddings.device;
        var classLabels = labels.to(ScalarType.Int64, device);
        var classIds = torch.arange(numClasses, ScalarType.Int64, device);
        var oneHot = classLabels.unsqueeze(1).eq(classIds.unsqueeze(0)).to(ScalarType.Float32); // [N, C]
        var isHard = confidence.to(device).lt(hardThreshold);

        // The one read-back: pixels and hard pixels per class, [2, C].
        var bothCounts = torch.stack(new[] { oneHot.sum(dim: 0), (oneHot * isHard.unsqueeze(1).to(ScalarType.Float32)).sum(dim: 0) })
            .to(ScalarType.Int64).cpu().data<long>().ToArray();
        long[] counts = bothCounts[..numClasses], hardCounts = bothCounts[numClasses..];
        var present = Enumerable.Range(0, numClasses).Where(c => counts[c] > 0).ToArray();
        if (present.Length <= 1) return (embeddings.sum() * 0.0).MoveToOuterDisposeScope();

        Tensor unitSorted, unitMeans, order;
        long[] classStart = BalancedAnchors.ExclusivePrefixSum(counts);
        using (torch.no_grad())
        {
            var detached = embeddings.detach().to(ScalarType.Float32);
            unitMeans = F.normalize(oneHot.t().matmul(detached) / torch.tensor(counts, device: device).clamp_min(1).unsqueeze(1).to(ScalarType.Float32), p: 2, dim: 1);
            // One sort lays every class out contiguously, its hard pixels first, each group in
            // random order: a class's queries are then a slice, and its pixels a range to draw from.
            var group = torch.where(classLabels.ge(0).logical_and(classLabels.lt(numClasses)), classLabels, numClasses);
            var randomRank = torch.randperm(n, ScalarType.Int64, g.device, generator: g).to(device);
            order = ((group * 2 + isHard.logical_not().to(ScalarType.Int64)) * n + randomRank).argsort();
            unitSorted = F.normalize(detached.index_select(0, order), p: 2, dim: 1);
        }

        var total = torch.zeros(Array.Empty<long>(), embeddings.dtype, device);
        foreach (int c in present)
        {
            if (hardCounts[c] == 0) continue; // every pixel of the class is easy: ReCo skips it
            long queryCount = Math.Min(queries, hardCounts[c]);
            var queryIndices = order.narrow(0, classStart[c], queryCount);
            var queryUnit = F.normalize(embeddings.index_select(0, queryIndices), p: 2, dim: 1); // [q, D], with gradient

            Tensor positiveKey = unitMeans[c], negativeKeys;
            using (torch.no_grad())
                negativeKeys = DrawNegatives(c, present, counts, classStart, unitMeans, unitSorted, queryCount * negatives, temperature, activeSampling, g)
                    .view(queryCount, negatives, -1);
            var positiveLogit = queryUnit.matmul(positiveKey.to(queryUnit.dtype)).unsqueeze(1);                       // [q, 1]
            var negativeLogits = negativeKeys.to(queryUnit.dtype).bmm(queryUnit.unsqueeze(2)).squeeze(2);              // [q, negatives]
            var logits = torch.cat(new[] { positiveLogit, negativeLogits }, 1) / temperature;
            var target = torch.zeros(queryCount, ScalarType.Int64, device);
            total = total + F.cross_entropy(logits, target);
        }
        return (total / present.Length).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <paramref name="count"/> negative keys for class <paramref name="c"/>'s queries, drawn with replacement
    /// from the pixels of the other classes present: first a class (ReCo's active sampling: softmax of the
    /// class means' similarity to c's / τ; else in proportion to pixel counts), then a pixel of it uniformly.
    /// </summary>
    /// <returns>[count, D] unit vectors (rows of <paramref name="unitSorted"/>).</returns>
    static Tensor DrawNegatives(int c, int[] present, long[] counts, long[] classStart, Tensor unitMeans, Tensor unitSorted,
        long count, double temperature, bool activeSampling, Generator g)
    {
        var device = unitSorted.device;
        var others = present.Where(k => k != c).ToArray();
        var otherIds = torch.tensor(others.Select(k => (long)k).ToArray(), device: device);
        var classChoice = activeSampling
            ? torch.softmax(unitMeans.index_select(0, otherIds).matmul(unitMeans[c]) / temperature, 0)
            : torch.tensor(others.Select(k => (double)counts[k]).ToArray(), device: device);
        var drawnSlot = classChoice.to(ScalarType.Float64, g.device).multinomial(count, true, g).to(device);
        var slotStart = torch.tensor(others.Select(k => classStart[k]).ToArray(), device: device).index_select(0, drawnSlot);
        var slotCount = torch.tensor(others.Select(k => counts[k]).ToArray(), device: device).index_select(0, drawnSlot);
        var uniform = torch.rand(new long[] { count }, ScalarType.Float64, g.device, generator: g).to(device);
        var offset = (uniform * slotCount).floor().to(ScalarType.Int64).minimum(slotCount - 1);
        return unitSorted.index_select(0, slotStart + offset);
    }

    static void CheckArguments(Tensor embeddings, Tensor labels, Tensor confidence, int numClasses, int queries, int negatives, double temperature)
    {
        Shapes.RequireRank(embeddings, 2, nameof(embeddings), "[N, D]");
        Shapes.RequireRank(labels, 1, nameof(labels), "[N]");
        Shapes.RequireRank(confidence, 1, nameof(confidence), "[N]");
        long n = embeddings.shape[0];
        if (labels.shape[0] != n || confidence.shape[0] != n)
            throw new ArgumentException($"embeddings, labels and confidence must have the same length, got {n}, {labels.shape[0]}, {confidence.shape[0]}");
        if (numClasses < 1) throw new KitException($"ReCo contrast: number of classes must be ≥ 1, got {numClasses}");
        if (queries < 1 || negatives < 1) throw new KitException($"ReCo contrast: queries and negatives must be ≥ 1, got {queries} and {negatives}");
        if (!(temperature > 0)) throw new KitException($"ReCo contrast: temperature must be > 0, got {temperature}");
    }
}
