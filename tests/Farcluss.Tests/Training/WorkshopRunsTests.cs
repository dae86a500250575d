using Farcluss.Charts;
using Farcluss.Config;
using Farcluss.Tests.Data;
using Farcluss.Tests.Reliability;
using Farcluss.Training;

namespace Farcluss.Tests.Training;

/// <summary>The main job's runs as the lessons find them: used when the settings match, reported (never used) when not (issue 13).</summary>
public class WorkshopRunsTests
{
    /// <summary>A finished 2-step supervised run, kept as `farcluss compare` keeps it, under a temporary repository root.</summary>
    static TrainingConfig WriteRun(TempDirectory root, TrainingConfig preset)
    {
        var config = WorkshopRuns.ConfigOf(preset, "supervised", 0);
        var directory = WorkshopRuns.RunDirectory(root.Path, "tiny", "supervised", 0);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "config.json"), ConfigFile.ToJson(config));
        using var trainer = new Trainer(config, TinyRuns.Data());
        trainer.Run(directory);
        return config;
    }

    [Fact]
    public void AMatchingRunIsUsedAndAnotherSettingIsNamed()
    {
        using var root = new TempDirectory();
        var preset = TinyRuns.Config(2);
        var config = WriteRun(root, preset);
        Assert.Equal(Path.Combine(root.Path, "runs", "tiny", "supervised-s0"), WorkshopRuns.RunDirectory(root.Path, "tiny", "supervised", 0));

        var same = WorkshopRuns.Find(root.Path, "tiny", "supervised", 0, config with { Threads = 2, LogEvery = 1 }); // not a learning setting
        Assert.True(same.Usable, same.Reason);

        var otherSteps = WorkshopRuns.Find(root.Path, "tiny", "supervised", 0, config with { Steps = 3 });
        Assert.False(otherSteps.Usable);
        Assert.Contains("made with other settings: steps: 2 (expected 3)", otherSteps.Reason);

        var absent = WorkshopRuns.Find(root.Path, "workshop", "supervised", 0, config);
        Assert.False(absent.Usable);
        Assert.Equal("no finished run there", absent.Reason);
    }

    [Fact]
    public void TheSharedTeacherStartsEveryArmFromTheRunsWeights()
    {
        using var root = new TempDirectory();
        var preset = TinyRuns.Config(2);
        WriteRun(root, preset);
        var data = TinyRuns.Data();
        using var teacher = SharedTeacher.Load(preset, data, liveSteps: 1, preset: "tiny", root: root.Path);
        Assert.True(teacher.FromMainJob, teacher.Summary);
        Assert.StartsWith("teacher: the main job's run runs/tiny/supervised-s0 (finished ", teacher.Summary);
        using var arm = teacher.StartTrainer(Variants.Hard, steps: 1);
        Assert.Equal(0, arm.Config.Method.WarmupFraction);
        var expected = TinyRuns.Snapshot(teacher.Model);
        foreach (var (name, value) in TinyRuns.Snapshot(arm.Student))
            Assert.True(value.allclose(expected[name]), name);

        // Other settings: the run is not used; the teacher is trained live, and the line says why.
        using var live = SharedTeacher.Load(preset with { Steps = 3 }, data, liveSteps: 1, preset: "tiny", root: root.Path);
        Assert.False(live.FromMainJob);
        Assert.Contains("made with other settings: steps: 2 (expected 3)", live.Summary);
    }
}
