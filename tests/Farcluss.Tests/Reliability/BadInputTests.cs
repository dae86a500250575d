using Farcluss.Config;
using Farcluss.Data;
using Farcluss.Models;
using Farcluss.Tests.Data;
using Farcluss.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Tests.Reliability;

/// <summary>
/// The bad inputs of issue 5 that the data tests (tests/Farcluss.Tests/Data) do not already cover:
/// impossible config values, checkpoints from another model or damaged ones, an empty labeled set,
/// paths that try to leave the dataset root. Each gives a <see cref="KitException"/> whose message
/// names the file (when there is one) and the problem.
/// </summary>
public class BadInputTests
{
    static BadInputTests() => Farcluss.Runtime.NativeLibTorch.EnsureLoadable();

    // ---- config files: impossible values, reported with the file ----

    [Theory]
    [InlineData("""{ "augment": { "scale_min": 0 } }""", "augment.scale_min and scale_max must satisfy 0 < scale_min ≤ scale_max, got 0 and 1.25")]
    [InlineData("""{ "augment": { "scale_min": 1.5, "scale_max": 1.2 } }""", "got 1.5 and 1.2")]
    [InlineData("""{ "augment": { "cut_mix_area_max": 1.5 } }""", "a box cannot be larger than the image")]
    [InlineData("""{ "augment": { "cut_mix_aspect_min": 0 } }""", "augment.cut_mix_aspect_min must be in (0, 1], got 0")]
    [InlineData("""{ "augment": { "blur_probability": 1.01 } }""", "augment.blur_probability must be in [0, 1], got 1.01")]
    [InlineData("""{ "augment": { "blur_sigma_min": 3, "blur_sigma_max": 2 } }""", "0 ≤ blur_sigma_min ≤ blur_sigma_max, got 3 and 2")]
    [InlineData("""{ "augment": { "brightness": -0.5 } }""", "brightness, contrast and saturation must be ≥ 0")]
    [InlineData("""{ "optimizer": { "learning_rate": 0 } }""", "optimizer.learning_rate must be in (0, 10], got 0")]
    [InlineData("""{ "optimizer": { "name": "lamb" } }""", "optimizer.name must be adam or sgd, got 'lamb'")]
    [InlineData("""{ "labeled_batch": 0 }""", "labeled_batch must be in [1, 1024], got 0")]
    [InlineData("""{ "max_bad_steps": -1 }""", "max_bad_steps must be ≥ 0, got -1")]
    [InlineData("""{ "method": { "rebalance_beta": -1 } }""", "method.rebalance_beta must be ≥ 0, got -1")]
    [InlineData("""{ "method": { "contrast_temperature": 0 } }""", "method.contrast_temperature must be > 0, got 0")]
    [InlineData("""{ "method": { "confidence_threshold": 2 } }""", "method.confidence_threshold must be in [0, 1], got 2")]
    [InlineData("""{ "method": { "top_k": 0 } }""", "method.top_k must be in [1, ")]
    public void AnImpossibleValueInAConfigFileNamesTheFileAndTheSetting(string json, string problem)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("bad.json"), json);
        var e = Assert.Throws<KitException>(() => ConfigFile.Load(dir.File("bad.json"), Presets.Smoke));
        Assert.Equal(dir.File("bad.json"), e.FilePath);
        Assert.StartsWith(dir.File("bad.json") + ": ", e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void EveryPresetAndAugmentSettingIsValid()
    {
        foreach (var (name, make) in Presets.All) make().Validate(21);
        AugmentSettings.Digits.Validate();
        AugmentSettings.Voc.Validate();
        AugmentSettings.None.Validate();
    }

    [Fact]
    public void ACropOfZeroPixelsIsRefused()
    {
        using var image = zeros(3, 4, 4);
        using var mask = zeros(new long[] { 4, 4 }, ScalarType.Int64);
        var e = Assert.Throws<KitException>(() => VocFolderDataset.RandomCropOrPad(image, mask, 0, null));
        Assert.Equal("crop size must be at least 1 pixel, got 0", e.Message);
    }

    [Fact]
    public void TopKAboveTheDatasClassCountIsRefusedByTheTrainer()
    {
        // The tiny data has 3 classes; K = 4 passes the file check (C unknown) and fails at the trainer.
        var config = TinyRuns.Config(2) with { Method = TinyRuns.Config(2).Method with { TopK = 4 } };
        var e = Assert.Throws<KitException>(() => new Trainer(config, TinyRuns.Data()));
        Assert.Equal("method.top_k must be in [1, 3] (the class count), got 4", e.Message);
    }

    // ---- an empty labeled set ----

    [Fact]
    public void AnEmptyLabeledSetIsRefused()
    {
        var e = Assert.Throws<KitException>(() => new Trainer(TinyRuns.Config(2), TinyRuns.Data(labeled: 0)));
        Assert.Equal("the labeled split is empty: nothing to train on", e.Message);
    }

    // ---- checkpoints from another model, and damaged ones ----

    static string SaveTinyCheckpoint(TempDirectory dir, TrainingConfig config, TrainingData data, string name = "checkpoint.bin")
    {
        using var trainer = new Trainer(config, data);
        trainer.TrainStep();
        var path = dir.File(name);
        Checkpoint.Save(trainer, path);
        Assert.False(File.Exists(path + ".tmp")); // the temporary file is renamed, never left behind
        return path;
    }

    [Fact]
    public void ACheckpointFromAnotherArchitectureIsRefusedByRestore()
    {
        using var dir = new TempDirectory();
        var path = SaveTinyCheckpoint(dir, TinyRuns.Config(4), TinyRuns.Data());
        using var wider = new Trainer(TinyRuns.Config(4) with { Model = new ModelSettings { Width = 12 } }, TinyRuns.Data());
        var e = Assert.Throws<KitException>(() => Checkpoint.Restore(wider, path));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("checkpoint is 'compact-w8-os4' with 3 classes and 1 channel(s), but this run builds 'compact-w12-os4' with 3 and 1", e.Message);
    }

    [Fact]
    public void ACheckpointWithAnotherClassCountIsRefusedByRestoreAndByTheEvalCheck()
    {
        using var dir = new TempDirectory();
        var path = SaveTinyCheckpoint(dir, TinyRuns.Config(4), TinyRuns.Data());
        // The same architecture on 4-class data: the classifier would not fit.
        var fourClasses = new TrainingData(TinyRuns.Split("labeled", 8, 1, classes: 4), TinyRuns.Split("unlabeled", 16, 2, classes: 4),
            null, TinyRuns.Split("test", 4, 4, classes: 4), ["a", "b", "c", "d"], 1);
        using var other = new Trainer(TinyRuns.Config(4), fourClasses);
        var e = Assert.Throws<KitException>(() => Checkpoint.Restore(other, path));
        Assert.Contains("with 3 classes and 1 channel(s), but this run builds 'compact-w8-os4' with 4 and 1", e.Message);

        // LoadTeacher rebuilds the model the checkpoint describes, so it loads; the header says 3 classes,
        // which is what `farcluss eval` compares with the data before evaluating.
        var (model, header) = Checkpoint.LoadTeacher(path, CPU);
        using (model) Assert.Equal((3, 1, "compact-w8-os4"), (header.NumClasses, header.InChannels, header.Architecture));
    }

    [Fact]
    public void ACheckpointFromAnotherMethodSettingIsRefused()
    {
        using var dir = new TempDirectory();
        var path = SaveTinyCheckpoint(dir, TinyRuns.Config(4), TinyRuns.Data());
        // "rebalance" has no projection head (no contrast term).
        using var noHead = new Trainer(TinyRuns.Config(4, variant: "rebalance"), TinyRuns.Data());
        Assert.Contains("checkpoint and run disagree on the projection head",
            Assert.Throws<KitException>(() => Checkpoint.Restore(noHead, path)).Message);
        // A run of fewer steps than the checkpoint already has.
        using (var twoSteps = new Trainer(TinyRuns.Config(4), TinyRuns.Data()))
        {
            twoSteps.TrainStep();
            twoSteps.TrainStep();
            Checkpoint.Save(twoSteps, dir.File("late.bin"));
        }
        using var shorter = new Trainer(TinyRuns.Config(1), TinyRuns.Data());
        Assert.Contains("checkpoint is at step 2 of a run of 1 steps",
            Assert.Throws<KitException>(() => Checkpoint.Restore(shorter, dir.File("late.bin"))).Message);
    }

    [Fact]
    public void ADamagedCheckpointIsAKitExceptionWhereverItIsCut()
    {
        using var dir = new TempDirectory();
        var path = SaveTinyCheckpoint(dir, TinyRuns.Config(4), TinyRuns.Data());
        var bytes = File.ReadAllBytes(path);
        using var trainer = new Trainer(TinyRuns.Config(4), TinyRuns.Data());

        // Cut at 40 places spread over the file (header, weights, optimizer, state, the last byte).
        var damaged = dir.File("damaged.bin");
        var cuts = Enumerable.Range(0, 40).Select(i => (int)((long)bytes.Length * i / 40)).Append(bytes.Length - 1).Distinct();
        foreach (var cut in cuts)
        {
            File.WriteAllBytes(damaged, bytes[..cut]);
            var e = Assert.Throws<KitException>(() => Checkpoint.Restore(trainer, damaged));
            Assert.Equal(damaged, e.FilePath);
            // LoadTeacher reads header, student and teacher only (student and teacher are the first half of
            // the file; Adam's two moments per weight fill most of the rest): a cut there must be refused,
            // a cut after them leaves the teacher intact and loadable. Either way, no other exception.
            try { Checkpoint.LoadTeacher(damaged, CPU).Model.Dispose(); Assert.True(cut > bytes.Length / 3, $"cut at {cut} loaded"); }
            catch (KitException teacherError) { Assert.Equal(damaged, teacherError.FilePath); }
        }

        // Bytes appended after the last section, a wrong magic, a file that is not a checkpoint at all, none at all.
        File.WriteAllBytes(damaged, [.. bytes, 0, 0, 0]);
        Assert.Contains("checkpoint is damaged (or cut short): its last 40 bytes are not the checksum trailer", Assert.Throws<KitException>(() => Checkpoint.Restore(trainer, damaged)).Message);
        var wrongMagic = (byte[])bytes.Clone();
        wrongMagic[1] ^= 0x20; // "FARCLUSS-CHECKPOINT" → "fARCLUSS-CHECKPOINT"
        File.WriteAllBytes(damaged, wrongMagic);
        Assert.Contains("not a FARCLUSS checkpoint (bad magic)", Assert.Throws<KitException>(() => Checkpoint.Restore(trainer, damaged)).Message);
        // PyTorch files (a zip holding a pickle, or a bare pickle) are refused by their first bytes, unread.
        File.WriteAllText(damaged, "PK\u0003\u0004 a PyTorch .pth is a zip holding data.pkl");
        var zip = Assert.Throws<KitException>(() => Checkpoint.LoadTeacher(damaged, CPU));
        Assert.Equal(damaged, zip.FilePath);
        Assert.Contains("this is a zip archive (a PyTorch .pth/.pt file?), not a FARCLUSS checkpoint; the kit does not load PyTorch pickles", zip.Message);
        File.WriteAllBytes(damaged, [0x80, 0x02, (byte)'c', .. "os\nsystem\n"u8]); // protocol 2: GLOBAL os.system
        Assert.Contains("this is a Python pickle", Assert.Throws<KitException>(() => Checkpoint.Restore(trainer, damaged)).Message);
        Assert.Contains("checkpoint not found", Assert.Throws<KitException>(() => Checkpoint.Restore(trainer, dir.File("none.bin"))).Message);
    }

    [Fact]
    public void ARestoredTrainerLogsTheSameIntervalMeansAsTheOriginal()
    {
        // log_every 5, checkpoint after step 3: the log interval open at the checkpoint (steps 1–3) must
        // carry over, or the resumed run's line at step 5 would average 2 steps instead of 5.
        using var dir = new TempDirectory();
        StepStats? original = null, resumed = null;
        using var source = new Trainer(TinyRuns.Config(10), TinyRuns.Data()) { OnStats = s => original = s };
        for (int i = 0; i < 3; i++) source.TrainStep();
        Checkpoint.Save(source, dir.File("c.bin"));
        source.TrainStep();
        source.TrainStep();

        using var target = new Trainer(TinyRuns.Config(10), TinyRuns.Data()) { OnStats = s => resumed = s };
        Checkpoint.Restore(target, dir.File("c.bin"));
        Assert.Equal(3, target.Step);
        target.TrainStep();
        target.TrainStep();
        Assert.Equal(5, resumed!.Step);
        Assert.Equal((original!.Loss, original.SupervisedLoss, original.UnsupervisedLoss, original.ContrastLoss, original.PseudoLabelAccuracy),
                     (resumed.Loss, resumed.SupervisedLoss, resumed.UnsupervisedLoss, resumed.ContrastLoss, resumed.PseudoLabelAccuracy));
        Assert.Equal(original.ClassFrequencies, resumed.ClassFrequencies);
    }

    // ---- paths that try to leave the dataset root (the data tests cover '../', 'a/../../' and absolute paths) ----

    [Fact]
    public void SplitListIdsAndSiblingFoldersCannotEscapeTheRoot()
    {
        using var dir = new TempDirectory();
        var root = Directory.CreateDirectory(dir.File("voc")).FullName;
        Directory.CreateDirectory(dir.File("voc-evil/JPEGImages"));
        File.WriteAllText(dir.File("voc-evil/JPEGImages/x.jpg"), "");
        File.WriteAllText(dir.File("secret.jpg"), "");
        string Fails(string line)
        {
            File.WriteAllText(dir.File("split.txt"), line + "\n");
            var e = Assert.Throws<KitException>(() => VocFolderDataset.Open(root, dir.File("split.txt")));
            Assert.Equal(dir.File("split.txt"), e.FilePath);
            return e.Message;
        }
        // A one-field id is pasted into JPEGImages/<id>.jpg: '../../secret' would reach dir/secret.jpg.
        Assert.Contains("points outside the dataset root", Fails("../../secret"));
        // ".../voc-evil" starts with the text ".../voc": the check must compare whole folder names.
        Assert.Contains("points outside the dataset root", Fails("../voc-evil/JPEGImages/x.jpg ../voc-evil/JPEGImages/x.jpg"));
        Assert.Contains("is an absolute path", Fails($"{dir.File("secret.jpg")} {dir.File("secret.jpg")}"));
    }
}
