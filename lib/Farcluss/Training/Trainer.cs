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
/// <see cref="TrainStep"/> reads top to bottom like METHOD.md's "Total"; each part it calls is one
/// file (Data/UnlabeledBatch, Losses/*, <see cref="MeanTeacher"/>), and what it logs is <see cref="StepDiagnostics"/>.
/// Taught in notebooks 01 (supervised) to 07 (the whole method).
/// </summary>
public sealed class Trainer : IDisposable
{
    public TrainingConfig Config { get; }
    public TrainingData Data { get; }
    public Device Device { get; }
    public SegmentationModel Student { get; }
    public SegmentationModel Teacher { get; }
    public ProjectionHead? Head { get; }
    public ClassRebalancer? Rebalancer { get; }
    public PrototypeMemory? PrototypeMemory { get; }
    public OptimizerHelper Optimizer { get; }
    /// <summary>The open log interval's sums and the pseudo-label counts.</summary>
    public StepDiagnostics Diagnostics { get; }

    /// <summary>Optimizer steps taken so far (the next step's index).</summary>
    public long Step { get; private set; }
    /// <summary>Steps whose loss was not finite and were skipped.</summary>
    public int BadSteps { get; private set; }
    /// <summary>How this run's numbers are computed (<see cref="NumericsCheck"/>): recorded in config.json and metrics.jsonl.</summary>
    public NumericsVerdict Numerics { get; }
    /// <summary>Time each part of the step (teacher, student, each loss, backward) for `bench`; adds a little overhead.</summary>
    public bool ProfileTerms { get => _timer.Enabled; set => _timer.Enabled = value; }
    public Action<TrainingProgress>? OnProgress { get; set; }
    public Action<StepStats>? OnStats { get; set; }
    public Action<EvalResult>? OnEval { get; set; }

    /// <summary>
    /// The method's state carried from step to step, by name, in checkpoint order: the rebalancer's, the
    /// prototype memory's, the log interval's (null tensors for a part switched off). A skipped step puts
    /// it back, and <see cref="Checkpoint"/> saves and reads it, both by iterating this one list.
    /// </summary>
    public IReadOnlyList<StateTensor> MethodState =>
        [.. ClassRebalancer.StateOf(Rebalancer), .. PrototypeMemory.StateOf(PrototypeMemory), .. StepDiagnostics.StateOf(Diagnostics)];

    MethodSettings Method => Config.Method;
    readonly EpochSampler _labeledSampler;
    readonly EpochSampler? _unlabeledSampler;
    readonly long _warmupSteps;
    readonly StepTimer _timer;
    readonly List<StepStats> _log = new();
    long? _firstBadStep;

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

        (Student, Teacher) = MeanTeacher.CreatePair(config.Model with { NumClasses = data.NumClasses, InChannels = data.Channels }, init, Device);
        // Before anything is trained (and after the backbone's weights were read and checked): the run's passes must
        // compute right on this CPU (docs/numerics.md). The check uses its own generators: the run's randomness is untouched.
        Numerics = Device.type == DeviceType.CUDA ? NumericsCheck.OnCuda(config.Model)
            : NumericsCheck.Ensure(NumericsShape.Of(config, data.NumClasses, data.Channels));
        bool unlabeled = Method.UseUnlabeled;
        if (unlabeled && Method.Contrast != ContrastKind.None)
            Head = new ProjectionHead(Student.FeatureChannels, Method.ProjectionDim, init).to(Device);
        if (unlabeled && Method.UseRebalancing)
            Rebalancer = new ClassRebalancer(data.NumClasses, Method, Device);
        if (unlabeled && Method.Contrast == ContrastKind.Prototype)
            PrototypeMemory = new PrototypeMemory(data.NumClasses, Method.ProjectionDim, Method.PrototypeMomentum, Device);
        Optimizer = OptimizerFactory.Create(config.Optimizer, Student, Head);

        if (data.Labeled.Count == 0) throw new KitException("the labeled split is empty: nothing to train on");
        _labeledSampler = new EpochSampler(data.Labeled.Count, config.LabeledBatch, config.Seed, stream: 1);
        if (unlabeled && (data.Unlabeled is null || data.Unlabeled.Count == 0))
            throw new KitException("this method setting uses unlabeled data, but the unlabeled split is empty");
        if (unlabeled) _unlabeledSampler = new EpochSampler(data.Unlabeled!.Count, config.UnlabeledBatch, config.Seed, stream: 2);
        _warmupSteps = (long)Math.Round(Method.WarmupFraction * config.Steps);
        _timer = new StepTimer(Device);
        Diagnostics = new StepDiagnostics(data.NumClasses, Device);
    }

    /// <summary>One optimizer step, in its own dispose scope: nothing it makes outlives it but the state it updates.</summary>
    public void TrainStep()
    {
        using var scope = NewDisposeScope();
        using var generator = StepRandom.ForStep(Config.Seed, Step);
        var beforeStep = StepRollback.Capture(StateChangedBeforeTheLossIsKnown());
        var normalization = Data.Labeled.Normalization; // augmentations work on [0, 1] images; the models see them normalised

        // Views: labeled A_w(x_l); after the warm-up, unlabeled A_w(x_u) and A_s(x_u) (CutMix on images, validity, hidden labels).
        var (labeledImages, labeledMasks) = Data.Labeled.Batch(_labeledSampler.IndicesForStep(Step), Device, normalize: false);
        (labeledImages, labeledMasks) = Augment.WeakView(labeledImages, labeledMasks, Config.Augment, generator);
        var unlabeled = Method.UseUnlabeled && Step >= _warmupSteps
            ? UnlabeledBatch.Draw(Data.Unlabeled!, _unlabeledSampler!.IndicesForStep(Step), Config.Augment, Method.UseCutMix, generator, Device)
            : null;

        // Student: the labeled weak view and the unlabeled strong view in one pass (BatchNorm over both).
        Student.train();
        var studentImages = unlabeled is null ? labeledImages : cat(new[] { labeledImages, unlabeled.Strong }, 0);
        var output = _timer.Time("student", () => Student.call(normalization.Apply(studentImages)));
        var (labeledLogits, unlabeledLogits) = SplitAt(output.Logits, labeledImages.shape[0]);

        // L_s = CE(f_θ(A_w(x_l)), y_l), ignoring 255.
        var supervisedLoss = _timer.Time("supervised", () => F.cross_entropy(labeledLogits, labeledMasks, ignore_index: Labels.Ignore));
        var terms = new StepTerms(supervisedLoss, supervisedLoss);

        if (unlabeled is not null)
        {
            // Teacher: p = softmax(f_ξ(A_w(x_u))), eval mode, no gradient; then CutMix with the strong view's boxes.
            var teacherProbs = _timer.Time("teacher", () => unlabeled.Mix(TeacherProbabilities(unlabeled.Weak, normalization)));

            // §1 targets q, §2 uncertainty weights w, §3 class frequencies f (updated with this batch), then pixel class weights ρ.
            var fuzzyTargets = FuzzyPseudoLabels.Compute(teacherProbs, Method.TopK);
            var uncertaintyWeights = UncertaintyWeight.Of(Method, teacherProbs);
            Rebalancer?.Update(fuzzyTargets, unlabeled.Valid);
            var pixelClassWeights = Rebalancer?.PixelClassWeights(fuzzyTargets);
            // L_u = Σ_i w_i ρ_i · CE(q_i, s_i) / N_valid.
            var unsupervisedLoss = _timer.Time("unsupervised",
                () => UnsupervisedLoss.Compute(unlabeledLogits!, fuzzyTargets, uncertaintyWeights, pixelClassWeights, unlabeled.Valid));

            // §4 contrast of the projected decoder features z: the confident set, the prototype memory updated with it, L_con.
            Tensor? contrastLoss = null;
            if (Head is not null)
            {
                var embeddings = _timer.Time("contrast", () => Head.call(output.Features));
                var confident = ConfidentSet.Select(embeddings, labeledMasks, teacherProbs, unlabeled.Valid, ContrastTerm.ConfidenceThreshold(Method));
                PrototypeMemory?.Update(confident.Embeddings.detach(), confident.Labels);
                contrastLoss = _timer.Time("contrast", () => ContrastTerm.Loss(Method, confident, PrototypeMemory, Data.NumClasses, generator));
            }

            // Total: L = L_s + λ_u L_u + λ_c L_con, both λ ramped up from the end of the warm-up.
            double ramp = Ramp.Sigmoid(Step - _warmupSteps, (long)Math.Round(Method.RampFraction * (Config.Steps - _warmupSteps)));
            double lambdaU = Method.UnsupervisedWeight * ramp, lambdaC = Method.ContrastWeight * ramp;
            var loss = supervisedLoss + lambdaU * unsupervisedLoss;
            if (contrastLoss is not null) loss = loss + lambdaC * contrastLoss;
            terms = new StepTerms(loss, supervisedLoss, unsupervisedLoss, contrastLoss, lambdaU, uncertaintyWeights, unlabeled.Valid, teacherProbs, unlabeled.Hidden);
        }

        // Step: backward, then the optimizer and the teacher's EMA (or, for a non-finite loss, nothing).
        ApplyStep(terms, beforeStep);
    }

    /// <summary>The student's logits split into the labeled images' and the unlabeled ones' (null in a supervised step).</summary>
    static (Tensor Labeled, Tensor? Unlabeled) SplitAt(Tensor logits, long labeledCount) =>
        logits.shape[0] == labeledCount ? (logits, null) : (logits[..(int)labeledCount], logits[(int)labeledCount..]);

    /// <summary>p = softmax(f_ξ(x)), the teacher in eval mode and without gradient.</summary>
    Tensor TeacherProbabilities(Tensor weakImages, Normalization normalization)
    {
        using var noGrad = no_grad();
        Teacher.eval();
        return F.softmax(Teacher.call(normalization.Apply(weakImages)).Logits, 1);
    }

    /// <summary>
    /// Logs the step's terms, runs backward, then one host sync: a finite loss updates the student (poly
    /// learning rate) and the teacher (EMA); a non-finite one is reported and skipped, and the state the
    /// step changed is put back. Either way the step counts, and every log_every steps the interval is logged.
    /// </summary>
    void ApplyStep(StepTerms terms, StepRollback beforeStep)
    {
        Diagnostics.Add(terms);
        if (Backward(terms.Loss)) Optimize(); else Skip(beforeStep);
        Step++;
        Diagnostics.CountStep();
        if (Step % Config.LogEvery == 0 || Step == Config.Steps) FlushStats();
    }

    /// <summary>Gradients of <paramref name="loss"/>; whether it is finite (the step's one host sync).</summary>
    bool Backward(Tensor loss)
    {
        _timer.Time("backward", () =>
        {
            Optimizer.zero_grad();
            loss.backward();
        });
        return loss.isfinite().item<bool>();
    }

    /// <summary>θ by the optimizer at the poly learning rate lr·(1 − t/T)^power, then ξ by the EMA.</summary>
    void Optimize()
    {
        _timer.Time("optimizer", () =>
        {
            OptimizerFactory.SetPolyLearningRate(Optimizer, Step, Config.Steps, Config.Optimizer.PolyPower);
            Optimizer.step();
            MeanTeacher.Update(Teacher, Student, MeanTeacher.Decay(Step, Method.EmaDecay));
        });
    }

    void Skip(StepRollback beforeStep)
    {
        BadSteps++;
        Diagnostics.CountSkipped(); // its sums were rolled back: it is in no mean of the interval
        _firstBadStep ??= Step;
        var message = $"step {Step}: loss is not finite ({Diagnostics.DescribeBadTerms()}); step skipped";
        beforeStep.Restore();
        OnProgress?.Invoke(new TrainingProgress(Step, Config.Steps, double.NaN, 0, message));
        if (BadSteps > Config.MaxBadSteps)
            throw new KitException($"{BadSteps} steps had a non-finite loss (limit max_bad_steps = {Config.MaxBadSteps}), the first at step " +
                                   $"{_firstBadStep}; stopping rather than training on garbage. {NonFiniteAdvice(_firstBadStep.Value)}");
    }

    /// <summary>Steps within which a non-finite loss points at the CPU's kernels rather than at the learning rate.</summary>
    public const int EarlySteps = 100;

    /// <summary>
    /// What to try. A CPU's convolution fault (docs/numerics.md) shows in a run's first steps, as does a learning rate far too
    /// large; later, a divergence from the settings or the data is the likelier cause.
    /// </summary>
    string NonFiniteAdvice(long firstBadStep) =>
        firstBadStep < EarlySteps
            ? $"This early, suspect the CPU's convolution kernels as much as the settings: run ./farcluss doctor with the same options " +
              $"(the numerics check passed {Numerics.Description} for this model on {Numerics.Cpu}, on one fixed batch; docs/numerics.md), " +
              $"then check optimizer.learning_rate ({Config.Optimizer.LearningRate} here) and the data."
            : $"Lower optimizer.learning_rate ({Config.Optimizer.LearningRate} here) or check the data; ./farcluss doctor checks the CPU's numerics.";

    /// <summary>What <see cref="TrainStep"/> changes before its loss is known; a skipped step puts it back.</summary>
    IEnumerable<Tensor> StateChangedBeforeTheLossIsKnown() =>
        Student.buffers().Concat(Head?.buffers() ?? []).Concat(MethodState.Select(s => s.Tensor).OfType<Tensor>());

    /// <summary>Emits the current interval's statistics now (the bench times fixed blocks of steps).</summary>
    public void FlushStatsForBench() => FlushStats();

    void FlushStats()
    {
        if (Diagnostics.Flush(Step, Optimizer.ParamGroups.First().LearningRate, Rebalancer, PrototypeMemory, _timer.Totals) is not { } stats) return;
        _timer.Clear();
        _log.Add(stats);
        OnStats?.Invoke(stats);
    }

    /// <summary>The statistics logged so far.</summary>
    public IReadOnlyList<StepStats> Log => _log;

    /// <summary>mIoU and per-class IoU of the teacher (the reported model) or the student on a split.</summary>
    public EvalResult Evaluate(SegmentationSplit split, bool useTeacher, string splitName) =>
        Evaluator.Evaluate(useTeacher ? Teacher : Student, split, Data.NumClasses, Device, splitName, useTeacher ? "teacher" : "student", Step);

    /// <summary>Restores the counters a <see cref="Checkpoint"/> saved (used by --resume).</summary>
    public void RestoreCounters(long step, int badSteps, int intervalSteps, int intervalSkipped = 0)
    {
        (Step, BadSteps) = (step, badSteps);
        (Diagnostics.IntervalSteps, Diagnostics.IntervalSkipped) = (intervalSteps, intervalSkipped);
    }

    public void Dispose()
    {
        foreach (var part in new IDisposable?[] { Student, Teacher, Head, Optimizer, Rebalancer, PrototypeMemory, Diagnostics }) part?.Dispose();
    }
}
