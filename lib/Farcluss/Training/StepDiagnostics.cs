using System.Diagnostics;
using Farcluss.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Training;

/// <summary>
/// The numbers the trainer logs every <c>log_every</c> steps (<see cref="StepStats"/>): the means of the
/// loss terms over the interval, the share of unlabeled weight kept, the teacher's mean entropy and its
/// pseudo-label accuracy against the hidden masks. Sums stay on the device and are read once per
/// interval, so a step never waits for the host. Taught in notebook 07 (what the logs say).
/// </summary>
public sealed class StepDiagnostics : IDisposable
{
    enum Stat { Loss, Supervised, Unsupervised, Contrast, Lambda, WeightKept, Entropy, Count }

    readonly int _numClasses;
    readonly Device _device;
    readonly Tensor _sums;              // [Stat.Count] float64
    readonly Tensor _pseudoLabelCounts; // [C*C] int64: hidden class × teacher argmax
    readonly Stopwatch _clock = new();

    public StepDiagnostics(int numClasses, Device device)
    {
        _numClasses = numClasses;
        _device = device;
        _sums = zeros(new long[] { (long)Stat.Count }, ScalarType.Float64, device).DetachFromDisposeScope();
        _pseudoLabelCounts = zeros(new long[] { numClasses * numClasses }, ScalarType.Int64, device).DetachFromDisposeScope();
    }

    /// <summary>Steps counted since the interval opened (set by a checkpoint's resume).</summary>
    public int IntervalSteps { get; internal set; }

    /// <summary>Steps of the interval whose loss was not finite (rolled back): counted in <see cref="IntervalSteps"/>, in no mean.</summary>
    public int IntervalSkipped { get; internal set; }

    /// <summary>The open interval's sums, by name, in checkpoint order.</summary>
    public static IReadOnlyList<StateTensor> StateOf(StepDiagnostics? d) =>
        [new("interval.sums", d?._sums), new("interval.pseudo_label_counts", d?._pseudoLabelCounts)];

    /// <summary>Starts the interval's clock (ms per step) at the start of a run.</summary>
    public void RestartClock() => _clock.Restart();

    /// <summary>Adds one step's terms to the interval's sums, on the device.</summary>
    public void Add(StepTerms terms)
    {
        using var _ = no_grad();
        var zero = zeros(1, ScalarType.Float64, _device).squeeze();
        Tensor AsDouble(Tensor? t) => t?.detach().to_type(ScalarType.Float64) ?? zero;
        var parts = new Tensor[(int)Stat.Count];
        parts[(int)Stat.Loss] = AsDouble(terms.Loss);
        parts[(int)Stat.Supervised] = AsDouble(terms.Supervised);
        parts[(int)Stat.Unsupervised] = AsDouble(terms.Unsupervised);
        parts[(int)Stat.Contrast] = AsDouble(terms.Contrast);
        parts[(int)Stat.Lambda] = full(1, terms.UnsupervisedLambda, ScalarType.Float64, _device).squeeze();
        parts[(int)Stat.WeightKept] = zero;
        parts[(int)Stat.Entropy] = zero;
        if (terms is { UncertaintyWeights: { } weights, Valid: { } valid, TeacherProbs: { } teacherProbs, Hidden: { } hidden })
        {
            var validFloat = valid.to_type(ScalarType.Float32);
            var validCount = validFloat.sum().clamp_min(1);
            parts[(int)Stat.WeightKept] = ((weights * validFloat).sum() / validCount).to_type(ScalarType.Float64);
            parts[(int)Stat.Entropy] = ((UncertaintyWeight.NormalizedEntropy(teacherProbs) * validFloat).sum() / validCount).to_type(ScalarType.Float64);
            var known = hidden.ne(Labels.Ignore).logical_and(valid);
            var codes = hidden.masked_select(known) * _numClasses + teacherProbs.argmax(1).masked_select(known);
            _pseudoLabelCounts.add_(bincount(codes, minlength: _numClasses * _numClasses));
        }
        _sums.add_(stack(parts));
    }

    /// <summary>Counts a step in the interval (whether or not its update was applied).</summary>
    public void CountStep() => IntervalSteps++;

    /// <summary>The step just counted was skipped (non-finite loss).</summary>
    public void CountSkipped() => IntervalSkipped++;

    /// <summary>Which loss terms of the interval are not finite, for the message of a skipped step.</summary>
    public string DescribeBadTerms()
    {
        var sums = _sums.cpu().data<double>().ToArray();
        var names = new[] { "loss", "supervised", "unsupervised", "contrast" };
        var bad = names.Where((_, i) => !double.IsFinite(sums[i])).ToArray();
        return bad.Length == 0 ? "total" : "terms: " + string.Join(", ", bad);
    }

    /// <summary>The interval's means (null if it is empty), and a new interval opened.</summary>
    public StepStats? Flush(long step, double learningRate, ClassRebalancer? rebalancer, PrototypeMemory? memory,
        IReadOnlyDictionary<string, double> msPerPart)
    {
        if (IntervalSteps == 0) return null;
        var sums = _sums.cpu().data<double>().ToArray();
        int applied = IntervalSteps - IntervalSkipped;
        double Mean(Stat s) => applied == 0 ? double.NaN : sums[(int)s] / applied; // an interval of skipped steps only has no mean
        var pseudoLabels = PseudoLabelAccuracy.Of(_pseudoLabelCounts.cpu().data<long>().ToArray(), _numClasses);
        var stats = new StepStats
        {
            Step = step,
            LearningRate = learningRate,
            Loss = Mean(Stat.Loss),
            SupervisedLoss = Mean(Stat.Supervised),
            UnsupervisedLoss = Mean(Stat.Unsupervised),
            ContrastLoss = Mean(Stat.Contrast),
            UnsupervisedLambda = Mean(Stat.Lambda),
            WeightKept = Mean(Stat.WeightKept),
            MeanEntropy = Mean(Stat.Entropy),
            PseudoLabelAccuracy = pseudoLabels.Total,
            ForegroundPseudoLabelAccuracy = pseudoLabels.Foreground,
            PseudoLabelAccuracyPerClass = pseudoLabels.PerClass,
            PseudoLabelShare = pseudoLabels.Share,
            ClassFrequencies = rebalancer is null ? [] : rebalancer.Frequencies.cpu().to_type(ScalarType.Float64).data<double>().ToArray(),
            ClassWeights = rebalancer is null ? [] : ToDoubles(rebalancer.ClassWeights()),
            PrototypeSimilarity = memory is null ? [] : ToDoubles(PrototypeContrast.SimilarityMatrix(memory)),
            MsPerStep = _clock.Elapsed.TotalMilliseconds / IntervalSteps,
            MsPerTerm = msPerPart.ToDictionary(kv => kv.Key, kv => kv.Value / IntervalSteps),
        };
        _sums.zero_();
        _pseudoLabelCounts.zero_();
        (IntervalSteps, IntervalSkipped) = (0, 0);
        _clock.Restart();
        return stats;
    }

    static double[] ToDoubles(Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.detach().cpu().to_type(ScalarType.Float64).flatten().data<double>().ToArray();
    }

    public void Dispose()
    {
        _sums.Dispose();
        _pseudoLabelCounts.Dispose();
    }
}

/// <summary>The teacher's argmax against the hidden masks, from the interval's [C×C] counts (hidden class × argmax).</summary>
public sealed record PseudoLabelAccuracy(double Total, double Foreground, double[] PerClass, double[] Share)
{
    public static PseudoLabelAccuracy Of(long[] counts, int c)
    {
        var perClass = new double[c];
        var share = new double[c];
        var predicted = new long[c];
        long correct = 0, total = 0, fgCorrect = 0, fgTotal = 0;
        for (int t = 0; t < c; t++)
        {
            long row = 0;
            for (int p = 0; p < c; p++) { row += counts[t * c + p]; predicted[p] += counts[t * c + p]; }
            perClass[t] = row == 0 ? double.NaN : (double)counts[t * c + t] / row;
            correct += counts[t * c + t]; total += row;
            if (t > 0) { fgCorrect += counts[t * c + t]; fgTotal += row; }
        }
        for (int p = 0; p < c; p++) share[p] = total == 0 ? double.NaN : (double)predicted[p] / total;
        return new PseudoLabelAccuracy(total == 0 ? double.NaN : (double)correct / total,
            fgTotal == 0 ? double.NaN : (double)fgCorrect / fgTotal, perClass, share);
    }
}
