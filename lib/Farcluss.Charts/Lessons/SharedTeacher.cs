using Farcluss.Config;
using Farcluss.Evaluation;
using Farcluss.Models;
using Farcluss.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Charts;

/// <summary>
/// The trained, supervised teacher that the live experiments of lessons 02–06 start from: the main
/// job's supervised run (<see cref="WorkshopRuns"/>, runs/&lt;preset&gt;/supervised-s0) when it
/// exists and was made with this lesson's settings, else a short supervised run trained live. Every
/// with/without comparison copies its weights into student and teacher and trains each arm the same
/// number of steps, with no warm-up (the teacher is already trained), so the difference on screen is
/// the component's. <see cref="Summary"/> is the one line a lesson shows about where it came from.
/// </summary>
public sealed class SharedTeacher : IDisposable
{
    readonly Trainer? _liveTrainer;
    readonly SegmentationModel? _loaded;

    /// <summary>The teacher's weights (eval mode). Do not train it: <see cref="StartTrainer"/> copies it.</summary>
    public SegmentationModel Model => _loaded ?? _liveTrainer!.Teacher;

    public TrainingData Data { get; }

    /// <summary>The lesson's base config (the preset's); arms are this with another method and step count.</summary>
    public TrainingConfig Config { get; }

    /// <summary>True when it is the main job's run, false when trained live.</summary>
    public bool FromMainJob { get; }

    /// <summary>The teacher's test mIoU and per-class IoU.</summary>
    public EvalResult Test { get; }

    /// <summary>One line: where the teacher comes from, when, with which settings, and its test mIoU.</summary>
    public string Summary { get; }

    SharedTeacher(TrainingConfig config, TrainingData data, SegmentationModel? loaded, Trainer? live, bool fromMainJob, EvalResult test, string source)
    {
        Config = config;
        Data = data;
        _loaded = loaded;
        _liveTrainer = live;
        FromMainJob = fromMainJob;
        Test = test;
        Summary = $"{source}; teacher test mIoU {100 * test.MeanIoU:F1}%";
    }

    /// <summary>
    /// The main job's supervised teacher for <paramref name="config"/> (seed 0) if there is a matching finished
    /// run under the repository's runs/ folder, else a supervised run of <paramref name="liveSteps"/> steps
    /// trained now, with a progress line.
    /// </summary>
    public static SharedTeacher Load(TrainingConfig config, TrainingData data, int liveSteps, string? preset = null, string? root = null)
    {
        preset ??= Lesson.PresetName;
        root ??= Lesson.RepositoryRoot.Length > 0 ? Lesson.RepositoryRoot : Directory.GetCurrentDirectory();
        var expected = WorkshopRuns.ConfigOf(config, "supervised", 0);
        var match = WorkshopRuns.Find(root, preset, "supervised", 0, expected);
        string relative = Path.GetRelativePath(root, match.Directory);
        if (match.Usable)
        {
            var device = DeviceOf(config);
            var (model, _) = Checkpoint.LoadTeacher(match.CheckpointPath, device);
            var test = Evaluator.Evaluate(model, data.Test, data.NumClasses, device, "test", "teacher", match.Config!.Steps);
            return new SharedTeacher(config, data, model, null, true, test,
                $"teacher: the main job's run {relative} (finished {match.Finished:yyyy-MM-dd HH:mm} UTC; {WorkshopRuns.Describe(match.Config!)})");
        }
        var liveConfig = expected with { Steps = liveSteps };
        var progress = Lesson.ShowProgress("teacher (supervised, trained live)", liveSteps);
        var trainer = new Trainer(liveConfig, data) { OnProgress = progress.Report };
        var result = trainer.Run();
        return new SharedTeacher(config, data, null, trainer, false, result.TeacherTest,
            $"teacher: trained live now ({WorkshopRuns.Describe(liveConfig)}); the main job's run {relative}: {match.Reason}. " +
            "./farcluss compare before class trains it (notebooks/README.md)");
    }

    /// <summary>A ladder variant (<see cref="Variants"/>) laid over this lesson's method settings, as the main job runs it.</summary>
    public MethodSettings Variant(string name) => Variants.Get(name, Config.Method);

    /// <summary>
    /// A trainer for one arm of a comparison: this lesson's config with <paramref name="method"/> (no warm-up) and
    /// <paramref name="steps"/> steps, its student and teacher both starting as this teacher.
    /// </summary>
    public Trainer StartTrainer(MethodSettings method, int steps, Func<TrainingConfig, TrainingConfig>? adjust = null)
    {
        var config = Config with { Method = method with { WarmupFraction = 0 }, Steps = steps };
        if (adjust is not null) config = adjust(config);
        var trainer = new Trainer(config, Data);
        MeanTeacher.CopyWeights(trainer.Student, Model);
        MeanTeacher.CopyWeights(trainer.Teacher, Model);
        return trainer;
    }

    /// <summary>Trains one arm (<see cref="StartTrainer"/>) with a progress line and returns its result.</summary>
    public TrainingResult Continue(string label, MethodSettings method, int steps, Func<TrainingConfig, TrainingConfig>? adjust = null)
    {
        using var trainer = StartTrainer(method, steps, adjust);
        trainer.OnProgress = Lesson.ShowProgress(label, steps).Report;
        return trainer.Run();
    }

    /// <summary>The teacher's class probabilities p = softmax(f_ξ(x)) for a batch of (normalised) images, without gradient.</summary>
    public Tensor Probabilities(Tensor images)
    {
        using var _ = no_grad();
        Model.eval();
        return nn.functional.softmax(Model.call(images).Logits, 1);
    }

    public void Dispose()
    {
        _loaded?.Dispose();
        _liveTrainer?.Dispose();
    }

    static Device DeviceOf(TrainingConfig config) => Farcluss.Runtime.DeviceChoice.Resolve(config.Device);
}
