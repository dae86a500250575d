using System.Diagnostics;
using Farcluss.Config;
using Farcluss.Data;
using Farcluss.Evaluation;
using Farcluss.Losses;
using Farcluss.Models;
using Farcluss.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Farcluss.Training;

/// <summary>
/// The one trainer of the kit: supervised, hard pseudo-labels, every FARCLUSS part and every
/// ablation are settings of <see cref="MethodSettings"/>, never copies of this class.
/// <see cref="TrainStep"/> reads top to bottom like METHOD.md's equations.
/// Taught in notebooks 01 (supervised) to 07 (the whole method).
/// </summary>
public sealed class Trainer : IDisposable
{
    /// <summary>Hidden-mask value for pixels the label rule ignores, so that after augmentation 255 means "padded" only.</summary>
    const int HiddenIgnore = 254;

    public TrainingConfig Config { get; }
    public TrainingData Data { get; }
    public Device Device { get; }
    public SegmentationModel Student { get; }
    public SegmentationModel Teacher { get; }
    public ProjectionHead? Head { get; }
    public ClassRebalancer? Rebalancer { get; }
    public PrototypeMemory? Memory { get; }
    public OptimizerHelper Optimizer { get; }

    /// <summary>Optimizer steps taken so far (the next step's index).</summary>
    public long Step { get; private set; }

    /// <summary>Steps whose loss was not finite and were skipped.</summary>
    public int BadSteps { get; private set; }

    /// <summary>Time each part of the step (teacher, student, each loss, backward) for `bench`; adds a little overhead.</summary>
    public bool ProfileTerms { get; set; }

    public Action<TrainingProgress>? OnProgress { get; set; }
    public Action<StepStats>? OnStats { get; set; }
    public Action<EvalResult>? OnEval { get; set; }

    MethodSettings Method => Config.Method;
    int NumClasses => Data.NumClasses;
    readonly EpochSampler _labeledSampler;
    readonly EpochSampler? _unlabeledSampler;
    readonly long _warmupSteps;
    readonly List<StepStats> _log = new();
    readonly Dictionary<string, double> _termMs = new();

    // Interval statistics, accumulated on the device and read once per log interval (no per-step sync).
    Tensor _statSums;
    Tensor _pseudoLabelCounts; // [C*C] hidden class × teacher argmax
    int _statSteps;
    int _statSkipped; // steps of the interval whose loss was not finite: in no mean (their sums were rolled back)
    readonly Stopwatch _intervalClock = new();

    enum Stat { Loss, Supervised, Unsupervised, Contrast, Lambda, WeightKept, Entropy, Count }

    public Trainer(TrainingConfig config, TrainingData data)
    {
        config.Validate(data.NumClasses);
        Config = config;
        Data = data;
        Device = DeviceChoice.Resolve(config.Device);
        if (config.Threads > 0) torch.set_num_threads(config.Threads);
        torch.manual_seed(config.Seed);
        // Initial weights come from a generator this trainer owns (seeded by the run's seed), not torch's
        // global one: two trainers built at once in one process cannot change each other's start.
        using var init = new Generator((ulong)config.Seed);

        var modelSettings = config.Model with { NumClasses = data.NumClasses, InChannels = data.Channels };
        Student = ModelFactory.Create(modelSettings, init);
        if (config.Model.BackboneWeights is { } weights) PretrainedBackbone.LoadInto(Student, weights); // ImageNet, before the teacher copies
        Teacher = ModelFactory.Create(modelSettings, init); // its draw is overwritten by the student's weights just below
        Student.to(Device);
        Teacher.to(Device);
        MeanTeacher.CopyWeights(Teacher, Student);
        MeanTeacher.Freeze(Teacher);

        if (Method.UseUnlabeled && Method.Contrast != ContrastKind.None)
        {
            Head = new ProjectionHead(Student.FeatureChannels, Method.ProjectionDim, init);
            Head.to(Device);
        }
        if (Method.UseUnlabeled && Method.UseRebalancing)
            Rebalancer = new ClassRebalancer(NumClasses, Method.RebalanceMomentum, Method.RebalanceBeta,
                Method.RebalanceEpsilon, Method.MaxClassWeight, Device);
        if (Method.UseUnlabeled && Method.Contrast == ContrastKind.Prototype)
            Memory = new PrototypeMemory(NumClasses, Method.ProjectionDim, Method.PrototypeMomentum, Device);

        Optimizer = OptimizerFactory.Create(config.Optimizer, Student, Head);

        if (data.Labeled.Count == 0) throw new KitException("the labeled split is empty: nothing to train on");
        _labeledSampler = new EpochSampler(data.Labeled.Count, config.LabeledBatch, config.Seed, stream: 1);
        if (Method.UseUnlabeled)
        {
            if (data.Unlabeled is null || data.Unlabeled.Count == 0)
                throw new KitException("this method setting uses unlabeled data, but the unlabeled split is empty");
            _unlabeledSampler = new EpochSampler(data.Unlabeled.Count, config.UnlabeledBatch, config.Seed, stream: 2);
        }
        _warmupSteps = (long)Math.Round(Method.WarmupFraction * config.Steps);
        _statSums = zeros(new long[] { (long)Stat.Count }, ScalarType.Float64, Device);
        _pseudoLabelCounts = zeros(new long[] { NumClasses * NumClasses }, ScalarType.Int64, Device);
    }

    /// <summary>One optimizer step, in its own dispose scope: nothing it makes outlives it but the state it updates.</summary>
    public void TrainStep()
    {
        using var scope = NewDisposeScope();
        using var generator = StepRandom.ForStep(Config.Seed, Step);
        var beforeStep = StepRollback.Capture(StateChangedBeforeTheLossIsKnown());
        var clock = Stopwatch.StartNew();
        bool semiSupervised = Method.UseUnlabeled && Step >= _warmupSteps;

        // Labeled batch, weak view: L_s = CE(f_θ(A_w(x_l)), y_l), ignoring 255.
        // Augmentations work on [0, 1] images; the model sees them normalised.
        var (labeledImages, labeledMasks) = Data.Labeled.Batch(_labeledSampler.IndicesForStep(Step), Device, normalize: false);
        (labeledImages, labeledMasks) = Augment.WeakView(labeledImages, labeledMasks, Config.Augment, generator);
        var normalization = Data.Labeled.Normalization;
        Student.train();

        Tensor loss, supervisedLoss;
        if (!semiSupervised)
        {
            var logits = Time("student", () => Student.call(normalization.Apply(labeledImages)).Logits);
            supervisedLoss = Time("supervised", () => F.cross_entropy(logits, labeledMasks, ignore_index: Labels.Ignore));
            loss = supervisedLoss;
            Accumulate(loss, supervisedLoss, null, null, 0, null, null);
        }
        else
        {
            int labeledCount = (int)labeledImages.shape[0];
            // Unlabeled batch, weak view (its hidden masks only ride along for diagnostics).
            var (unlabeledImages, hiddenMasks) = Data.Unlabeled!.Batch(_unlabeledSampler!.IndicesForStep(Step), Device, normalize: false);
            hiddenMasks = hiddenMasks.masked_fill(hiddenMasks.eq(Labels.Ignore), HiddenIgnore);
            var (weakImages, weakHidden) = Augment.WeakView(unlabeledImages, hiddenMasks, Config.Augment, generator);
            var valid = weakHidden.ne(Labels.Ignore); // padded pixels count nowhere
            var hidden = weakHidden.masked_fill(weakHidden.eq(HiddenIgnore), Labels.Ignore);

            // Teacher: p = softmax(f_ξ(A_w(x_u))), eval mode, no gradient.
            var teacherProbs = Time("teacher", () =>
            {
                using var _ = no_grad();
                Teacher.eval();
                return F.softmax(Teacher.call(normalization.Apply(weakImages)).Logits, 1);
            });

            // Strong view: photometric jitter, then CutMix applied to images and to every teacher map alike.
            var strongImages = Augment.StrongPhotometric(weakImages, Config.Augment, generator);
            if (Method.UseCutMix)
            {
                var boxes = CutMixBoxes.Sample((int)strongImages.shape[0], (int)strongImages.shape[2], (int)strongImages.shape[3],
                    generator, Config.Augment, Device);
                strongImages = boxes.Apply(strongImages);
                teacherProbs = boxes.Apply(teacherProbs);
                valid = boxes.Apply(valid.to_type(ScalarType.Float32)).gt(0.5);
                hidden = boxes.Apply(hidden);
            }

            // Student sees labeled and strong unlabeled images in one pass (BatchNorm over both).
            var output = Time("student", () => Student.call(normalization.Apply(cat(new[] { labeledImages, strongImages }, 0))));
            var labeledLogits = output.Logits[..labeledCount];
            var unlabeledLogits = output.Logits[labeledCount..];
            supervisedLoss = Time("supervised", () => F.cross_entropy(labeledLogits, labeledMasks, ignore_index: Labels.Ignore));

            // §1 fuzzy targets, §2 pixel weights, §3 class rebalancing, then L_u.
            var (unsupervisedLoss, pixelWeights) = Time("unsupervised", () =>
            {
                var fuzzyTargets = FuzzyPseudoLabels.Compute(teacherProbs, Method.TopK);
                var weights = Method.Weighting switch
                {
                    PixelWeighting.Entropy => UncertaintyWeight.Compute(teacherProbs, Method.EntropyGamma),
                    PixelWeighting.Threshold => UncertaintyWeight.ConfidenceThreshold(teacherProbs, Method.ConfidenceThreshold),
                    _ => ones_like(valid, ScalarType.Float32),
                };
                var combined = weights;
                if (Rebalancer is not null)
                {
                    Rebalancer.Update(fuzzyTargets, valid);
                    combined = weights * Rebalancer.PixelWeights(fuzzyTargets, Rebalancer.ClassWeights());
                }
                return (UnsupervisedLoss.Compute(unlabeledLogits, fuzzyTargets, combined, valid), weights);
            });

            // §4 contrastive regularisation of the projected decoder features.
            Tensor? contrastLoss = Head is null ? null : Time("contrast", () => ContrastLoss(output.Features, labeledMasks, teacherProbs, valid, labeledCount, generator));

            double ramp = Ramp.Sigmoid(Step - _warmupSteps, (long)Math.Round(Method.RampFraction * (Config.Steps - _warmupSteps)));
            double lambdaU = Method.UnsupervisedWeight * ramp, lambdaC = Method.ContrastWeight * ramp;
            loss = supervisedLoss + lambdaU * unsupervisedLoss;
            if (contrastLoss is not null) loss = loss + lambdaC * contrastLoss;
            Accumulate(loss, supervisedLoss, unsupervisedLoss, contrastLoss, lambdaU, pixelWeights, valid, teacherProbs, hidden);
        }

        Time("backward", () =>
        {
            Optimizer.zero_grad();
            loss.backward();
            return loss;
        });
        // One host sync a step: a non-finite loss is reported and not applied.
        if (!loss.isfinite().item<bool>())
        {
            BadSteps++;
            _statSkipped++;
            var message = $"step {Step}: loss is not finite ({DescribeBadTerms()}); step skipped";
            beforeStep.Restore();
            OnProgress?.Invoke(new TrainingProgress(Step, Config.Steps, double.NaN, 0, message));
            if (BadSteps > Config.MaxBadSteps)
                throw new KitException($"{BadSteps} steps had a non-finite loss (limit max_bad_steps = {Config.MaxBadSteps}); " +
                                       "stopping rather than training on garbage. Lower the learning rate or check the data.");
        }
        else
        {
            Time("optimizer", () =>
            {
                SetLearningRate();
                Optimizer.step();
                MeanTeacher.Update(Teacher, Student, MeanTeacher.Decay(Step, Method.EmaDecay));
                return loss;
            });
        }
        Step++;
        _statSteps++;
        clock.Stop();
        if (Step % Config.LogEvery == 0 || Step == Config.Steps) FlushStats();
    }

    /// <summary>What <see cref="TrainStep"/> changes before its loss is checked; a skipped step puts it back.</summary>
    IEnumerable<Tensor> StateChangedBeforeTheLossIsKnown() =>
        Student.buffers().Concat(Head?.buffers() ?? [])
            .Concat(new[] { _statSums, _pseudoLabelCounts, Rebalancer?.Frequencies, Memory?.Prototypes, Memory?.Initialised }.OfType<Tensor>());

    /// <summary>Emits the current interval's statistics now (the bench times fixed blocks of steps).</summary>
    public void FlushStatsForBench() => FlushStats();

    string DescribeBadTerms()
    {
        var sums = _statSums.cpu().data<double>().ToArray();
        var names = new[] { "loss", "supervised", "unsupervised", "contrast" };
        var bad = names.Where((_, i) => !double.IsFinite(sums[i])).ToArray();
        return bad.Length == 0 ? "total" : "terms: " + string.Join(", ", bad);
    }

    Tensor ContrastLoss(Tensor features, Tensor labeledMasks, Tensor teacherProbs, Tensor valid, int labeledCount, Generator generator)
    {
        var embeddings = Head!.call(features); // [B, D, h, w], unit vectors
        long h = embeddings.shape[2], w = embeddings.shape[3];
        var (confidence, teacherArgmax) = teacherProbs.max(1);
        var flatEmbeddings = embeddings.permute(0, 2, 3, 1).reshape(-1, embeddings.shape[1]);

        if (Method.Contrast == ContrastKind.Prototype)
        {
            // Confident set: labeled pixels with ground truth, unlabeled pixels with teacher confidence ≥ τ_p.
            var unlabeledLabels = teacherArgmax.masked_fill(confidence.lt(Method.PrototypeConfidence).logical_or(valid.logical_not()), Labels.Ignore);
            var labels = cat(new[] { Nearest(labeledMasks, h, w), Nearest(unlabeledLabels, h, w) }, 0).flatten();
            var confidentIndex = labels.ne(Labels.Ignore).nonzero().squeeze(1);
            var confidentEmbeddings = flatEmbeddings.index_select(0, confidentIndex);
            var confidentLabels = labels.index_select(0, confidentIndex);
            // Memory first, then the loss against the (detached) memory.
            Memory!.Update(confidentEmbeddings.detach(), confidentLabels);
            var anchors = BalancedAnchors.Sample(confidentLabels, NumClasses, Method.Anchors, generator);
            return PrototypeContrast.Loss(confidentEmbeddings.index_select(0, anchors), confidentLabels.index_select(0, anchors),
                Memory, Method.ContrastTemperature);
        }
        else
        {
            var unlabeledLabels = teacherArgmax.masked_fill(valid.logical_not(), Labels.Ignore);
            var labels = cat(new[] { Nearest(labeledMasks, h, w), Nearest(unlabeledLabels, h, w) }, 0).flatten();
            var labeledConfidence = ones(labeledCount, h, w, device: Device);
            var pixelConfidence = cat(new[] { labeledConfidence, NearestFloat(confidence, h, w) }, 0).flatten();
            var validIndex = labels.ne(Labels.Ignore).nonzero().squeeze(1);
            return ReCoContrast.Loss(flatEmbeddings.index_select(0, validIndex), labels.index_select(0, validIndex),
                pixelConfidence.index_select(0, validIndex), NumClasses, generator);
        }
    }

    static Tensor Nearest(Tensor labels, long h, long w) =>
        F.interpolate(labels.unsqueeze(1).to_type(ScalarType.Float32), new[] { h, w }, mode: InterpolationMode.Nearest)
            .squeeze(1).to_type(ScalarType.Int64);

    static Tensor NearestFloat(Tensor map, long h, long w) =>
        F.interpolate(map.unsqueeze(1), new[] { h, w }, mode: InterpolationMode.Nearest).squeeze(1);

    void Accumulate(Tensor loss, Tensor supervised, Tensor? unsupervised, Tensor? contrast, double lambdaU,
        Tensor? pixelWeights, Tensor? valid, Tensor? teacherProbs = null, Tensor? hidden = null)
    {
        using var _ = no_grad();
        var zero = zeros(1, ScalarType.Float64, Device).squeeze();
        var parts = new Tensor[(int)Stat.Count];
        parts[(int)Stat.Loss] = loss.detach().to_type(ScalarType.Float64);
        parts[(int)Stat.Supervised] = supervised.detach().to_type(ScalarType.Float64);
        parts[(int)Stat.Unsupervised] = unsupervised?.detach().to_type(ScalarType.Float64) ?? zero;
        parts[(int)Stat.Contrast] = contrast?.detach().to_type(ScalarType.Float64) ?? zero;
        parts[(int)Stat.Lambda] = full(1, lambdaU, ScalarType.Float64, Device).squeeze();
        parts[(int)Stat.WeightKept] = zero;
        parts[(int)Stat.Entropy] = zero;
        if (pixelWeights is not null && valid is not null && teacherProbs is not null && hidden is not null)
        {
            var validFloat = valid.to_type(ScalarType.Float32);
            var validCount = validFloat.sum().clamp_min(1);
            parts[(int)Stat.WeightKept] = ((pixelWeights * validFloat).sum() / validCount).to_type(ScalarType.Float64);
            parts[(int)Stat.Entropy] = ((UncertaintyWeight.NormalizedEntropy(teacherProbs) * validFloat).sum() / validCount).to_type(ScalarType.Float64);
            var known = hidden.ne(Labels.Ignore).logical_and(valid);
            var codes = hidden.masked_select(known) * NumClasses + teacherProbs.argmax(1).masked_select(known);
            _pseudoLabelCounts.add_(bincount(codes, minlength: NumClasses * NumClasses));
        }
        _statSums.add_(stack(parts));
    }

    void FlushStats()
    {
        if (_statSteps == 0) return;
        var sums = _statSums.cpu().data<double>().ToArray();
        var counts = _pseudoLabelCounts.cpu().data<long>().ToArray();
        int applied = _statSteps - _statSkipped;
        double Mean(Stat s) => applied == 0 ? double.NaN : sums[(int)s] / applied; // an interval of skipped steps only has no mean
        int c = NumClasses;
        var perClass = new double[c];
        var share = new double[c];
        long correct = 0, total = 0, fgCorrect = 0, fgTotal = 0;
        var predicted = new long[c];
        for (int t = 0; t < c; t++)
        {
            long row = 0;
            for (int p = 0; p < c; p++) { row += counts[t * c + p]; predicted[p] += counts[t * c + p]; }
            perClass[t] = row == 0 ? double.NaN : (double)counts[t * c + t] / row;
            correct += counts[t * c + t]; total += row;
            if (t > 0) { fgCorrect += counts[t * c + t]; fgTotal += row; }
        }
        for (int p = 0; p < c; p++) share[p] = total == 0 ? double.NaN : (double)predicted[p] / total;

        var stats = new StepStats
        {
            Step = Step,
            LearningRate = Optimizer.ParamGroups.First().LearningRate,
            Loss = Mean(Stat.Loss),
            SupervisedLoss = Mean(Stat.Supervised),
            UnsupervisedLoss = Mean(Stat.Unsupervised),
            ContrastLoss = Mean(Stat.Contrast),
            UnsupervisedLambda = Mean(Stat.Lambda),
            WeightKept = Mean(Stat.WeightKept),
            MeanEntropy = Mean(Stat.Entropy),
            PseudoLabelAccuracy = total == 0 ? double.NaN : (double)correct / total,
            ForegroundPseudoLabelAccuracy = fgTotal == 0 ? double.NaN : (double)fgCorrect / fgTotal,
            PseudoLabelAccuracyPerClass = perClass,
            PseudoLabelShare = share,
            ClassFrequencies = Rebalancer is null ? [] : Rebalancer.Frequencies.cpu().to_type(ScalarType.Float64).data<double>().ToArray(),
            ClassWeights = Rebalancer is null ? [] : ToDoubles(Rebalancer.ClassWeights()),
            PrototypeSimilarity = Memory is null ? [] : ToDoubles(PrototypeContrast.SimilarityMatrix(Memory)),
            MsPerStep = _intervalClock.Elapsed.TotalMilliseconds / _statSteps,
            MsPerTerm = _termMs.ToDictionary(kv => kv.Key, kv => kv.Value / _statSteps),
        };
        _log.Add(stats);
        OnStats?.Invoke(stats);
        _statSums.zero_();
        _pseudoLabelCounts.zero_();
        _termMs.Clear();
        _statSteps = 0;
        _statSkipped = 0;
        _intervalClock.Restart();
    }

    static double[] ToDoubles(Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.detach().cpu().to_type(ScalarType.Float64).flatten().data<double>().ToArray();
    }

    void SetLearningRate()
    {
        double factor = Math.Pow(1.0 - (double)Step / Config.Steps, Config.Optimizer.PolyPower);
        foreach (var group in Optimizer.ParamGroups)
            group.LearningRate = group.InitialLearningRate * factor;
    }

    T Time<T>(string term, Func<T> work)
    {
        if (!ProfileTerms) return work();
        var sw = Stopwatch.StartNew();
        var result = work();
        if (Device.type == DeviceType.CUDA) torch.cuda.synchronize();
        _termMs[term] = _termMs.GetValueOrDefault(term) + sw.Elapsed.TotalMilliseconds;
        return result;
    }

    /// <summary>Trains to <see cref="TrainingConfig.Steps"/>, then evaluates teacher and student on validation and test.</summary>
    public TrainingResult Run(string? runDirectory = null, CancellationToken cancel = default)
    {
        var wall = Stopwatch.StartNew();
        var metrics = runDirectory is null ? null : new MetricsWriter(Path.Combine(runDirectory, "metrics.jsonl"), Step, Config.Steps);
        if (metrics is not null) { OnStats += metrics.Write; OnEval += metrics.Write; }
        try
        {
            long first = Step;
            _intervalClock.Restart();
            var trainClock = Stopwatch.StartNew();
            while (Step < Config.Steps)
            {
                cancel.ThrowIfCancellationRequested();
                TrainStep();
                OnProgress?.Invoke(new TrainingProgress(Step, Config.Steps, _log.Count > 0 ? _log[^1].Loss : double.NaN,
                    trainClock.Elapsed.TotalMilliseconds / (Step - first), "train"));
                if (Config.EvalEvery > 0 && Step % Config.EvalEvery == 0 && Step < Config.Steps && Data.Validation is not null)
                    OnEval?.Invoke(Evaluate(Data.Validation, useTeacher: true, "validation"));
                if (runDirectory is not null && Config.CheckpointEvery > 0 && Step % Config.CheckpointEvery == 0)
                    Checkpoint.Save(this, Path.Combine(runDirectory, "checkpoint.bin"));
            }
            double msPerStep = Step > first ? trainClock.Elapsed.TotalMilliseconds / (Step - first) : 0;
            if (runDirectory is not null) Checkpoint.Save(this, Path.Combine(runDirectory, "checkpoint.bin"));

            OnProgress?.Invoke(new TrainingProgress(Step, Config.Steps, double.NaN, msPerStep, "evaluate"));
            EvalResult? teacherVal = null, studentVal = null;
            if (Data.Validation is not null)
            {
                teacherVal = Evaluate(Data.Validation, true, "validation");
                studentVal = Evaluate(Data.Validation, false, "validation");
                OnEval?.Invoke(teacherVal);
                OnEval?.Invoke(studentVal);
            }
            var teacherTest = Evaluate(Data.Test, true, "test");
            var studentTest = Evaluate(Data.Test, false, "test");
            OnEval?.Invoke(teacherTest);
            OnEval?.Invoke(studentTest);
            return new TrainingResult
            {
                TeacherTest = teacherTest, StudentTest = studentTest,
                TeacherValidation = teacherVal, StudentValidation = studentVal,
                MsPerStep = msPerStep, WallSeconds = wall.Elapsed.TotalSeconds, Log = _log.ToList(), BadSteps = BadSteps,
            };
        }
        finally
        {
            if (metrics is not null) { OnStats -= metrics.Write; OnEval -= metrics.Write; metrics.Dispose(); }
        }
    }

    /// <summary>mIoU and per-class IoU of the teacher (the reported model) or the student on a split.</summary>
    public EvalResult Evaluate(SegmentationSplit split, bool useTeacher, string splitName) =>
        Evaluator.Evaluate(useTeacher ? Teacher : Student, split, NumClasses, Device, splitName, useTeacher ? "teacher" : "student", Step);

    /// <summary>The open log interval (sums on the device, steps so far), saved by <see cref="Checkpoint"/>
    /// so that a resumed run logs the same means as an uninterrupted one.</summary>
    internal (Tensor Sums, Tensor PseudoLabelCounts, int Steps, int Skipped) Interval => (_statSums, _pseudoLabelCounts, _statSteps, _statSkipped);

    /// <summary>Restores the counters saved by <see cref="Checkpoint.Save"/> (used by --resume).</summary>
    internal void RestoreCounters(long step, int badSteps, int intervalSteps, int intervalSkipped) =>
        (Step, BadSteps, _statSteps, _statSkipped) = (step, badSteps, intervalSteps, intervalSkipped);

    public void Dispose()
    {
        Student.Dispose();
        Teacher.Dispose();
        Head?.Dispose();
        Optimizer.Dispose();
        Rebalancer?.Dispose();
        Memory?.Dispose();
        _statSums.Dispose();
        _pseudoLabelCounts.Dispose();
    }
}
