using System.Diagnostics;
using Farcluss.Config;
using Farcluss.Evaluation;

namespace Farcluss.Training;

/// <summary>
/// A whole run around a <see cref="Trainer"/>: config.json, the loop to the last step, the evaluations and checkpoints
/// the config asks for on the way, metrics.jsonl, and at the end teacher and student on validation and
/// test. What a step does is <see cref="Trainer.TrainStep"/>; this file only decides when. Called as
/// <c>trainer.Run(runDirectory)</c>: the loop lives here, not in the trainer.
/// </summary>
public static class TrainingRun
{
    /// <summary>Trains to <see cref="Farcluss.Config.TrainingConfig.Steps"/>, then evaluates teacher and student on validation and
    /// test; with <paramref name="runDirectory"/>, writes metrics.jsonl and checkpoint.bin there.</summary>
    public static TrainingResult Run(this Trainer trainer, string? runDirectory = null, CancellationToken cancel = default)
    {
        var config = trainer.Config;
        var wall = Stopwatch.StartNew();
        // The one writer of a run's config.json: the settings (a resume's new bookkeeping values included) and the numeric path.
        if (runDirectory is not null) AtomicFile.WriteAllText(Path.Combine(runDirectory, "config.json"), ConfigFile.ToJson(config, trainer.Numerics));
        var metrics = runDirectory is null ? null : new MetricsWriter(Path.Combine(runDirectory, "metrics.jsonl"), trainer.Step, config.Steps);
        if (metrics is not null) { trainer.OnStats += metrics.Write; trainer.OnEval += metrics.Write; metrics.Write(trainer.Numerics, trainer.Step); }
        try
        {
            long first = trainer.Step;
            trainer.Diagnostics.RestartClock();
            var trainClock = Stopwatch.StartNew();
            while (trainer.Step < config.Steps)
            {
                cancel.ThrowIfCancellationRequested();
                trainer.TrainStep();
                long step = trainer.Step;
                trainer.OnProgress?.Invoke(new TrainingProgress(step, config.Steps, trainer.Log.Count > 0 ? trainer.Log[^1].Loss : double.NaN,
                    trainClock.Elapsed.TotalMilliseconds / (step - first), "train"));
                if (config.EvalEvery > 0 && step % config.EvalEvery == 0 && step < config.Steps && trainer.Data.Validation is not null)
                    trainer.OnEval?.Invoke(trainer.Evaluate(trainer.Data.Validation, useTeacher: true, "validation"));
                if (runDirectory is not null && config.CheckpointEvery > 0 && step % config.CheckpointEvery == 0)
                    Checkpoint.Save(trainer, Path.Combine(runDirectory, "checkpoint.bin"));
            }
            double msPerStep = trainer.Step > first ? trainClock.Elapsed.TotalMilliseconds / (trainer.Step - first) : 0;
            if (runDirectory is not null) Checkpoint.Save(trainer, Path.Combine(runDirectory, "checkpoint.bin"));
            trainer.OnProgress?.Invoke(new TrainingProgress(trainer.Step, config.Steps, double.NaN, msPerStep, "evaluate"));
            var result = EvaluateAtTheEnd(trainer) with
            {
                MsPerStep = msPerStep, WallSeconds = wall.Elapsed.TotalSeconds, Log = trainer.Log.ToList(), BadSteps = trainer.BadSteps,
            };
            // The last report says the run is over: a line left at "(evaluate)" reads as a run still going.
            trainer.OnProgress?.Invoke(new TrainingProgress(trainer.Step, config.Steps, double.NaN, msPerStep,
                $"done in {wall.Elapsed.TotalSeconds:F0} s: teacher test mIoU {100 * result.TeacherTest.MeanIoU:F1}%"));
            return result;
        }
        finally
        {
            if (metrics is not null) { trainer.OnStats -= metrics.Write; trainer.OnEval -= metrics.Write; metrics.Dispose(); }
        }
    }

    /// <summary>Teacher and student on validation (when there is one), then on test, each reported as it is done.</summary>
    static TrainingResult EvaluateAtTheEnd(Trainer trainer)
    {
        EvalResult Report(EvalResult result)
        {
            trainer.OnEval?.Invoke(result);
            return result;
        }
        EvalResult? teacherVal = null, studentVal = null;
        if (trainer.Data.Validation is { } validation)
        {
            teacherVal = Report(trainer.Evaluate(validation, true, "validation"));
            studentVal = Report(trainer.Evaluate(validation, false, "validation"));
        }
        var teacherTest = Report(trainer.Evaluate(trainer.Data.Test, true, "test"));
        var studentTest = Report(trainer.Evaluate(trainer.Data.Test, false, "test"));
        return new TrainingResult { TeacherTest = teacherTest, StudentTest = studentTest, TeacherValidation = teacherVal, StudentValidation = studentVal };
    }
}
