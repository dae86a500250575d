using System.Text.Json.Nodes;
using Farcluss.Config;
using Farcluss.Tests.Data;
using Farcluss.Training;
using static TorchSharp.torch;

namespace Farcluss.Tests.Reliability;

/// <summary>
/// Issue 14, classes 4, 5 and 9: every numeric setting is checked where the config file is read (naming the
/// file), what a setting or a checkpoint header asks to allocate is bounded first, skipped steps count in
/// no mean, and the config's device is not overridden by a default. Then a property: random mutations of a
/// config either train or end in one <see cref="KitException"/> (the CLI's exit 1 with one error line).
/// </summary>
public class SettingsBoundsTests
{
    static KitException Refused(string json)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("c.json"), json);
        var e = Assert.Throws<KitException>(() => ConfigFile.Load(dir.File("c.json"), Presets.Smoke));
        Assert.StartsWith(dir.File("c.json") + ": ", e.Message); // the file is named
        return e;
    }

    // ---- class 5: numeric settings ----

    [Theory]
    [InlineData("""{ "optimizer": { "learning_rate": 1e30 } }""", "optimizer.learning_rate must be in (0, 10], got 1E+30")]
    [InlineData("""{ "optimizer": { "learning_rate": "Infinity" } }""", "optimizer.learning_rate must be a finite number, got ")]
    [InlineData("""{ "optimizer": { "poly_power": -1 } }""", "optimizer.poly_power must be ≥ 0")]
    [InlineData("""{ "optimizer": { "weight_decay": "NaN" } }""", "optimizer.weight_decay must be a finite number, got NaN")]
    [InlineData("""{ "optimizer": { "weight_decay": "Infinity" } }""", "optimizer.weight_decay must be a finite number")]
    [InlineData("""{ "method": { "entropy_gamma": "Infinity" } }""", "method.entropy_gamma must be a finite number")]
    [InlineData("""{ "data": { "m2nist": { "digit_scale": "Infinity" } } }""", "data.m2nist.digit_scale must be a finite number")]
    [InlineData("""{ "device": "gpu" }""", "device must be auto, cpu or cuda, got 'gpu'")]
    public void ANumericSettingThatCannotTrainIsRefusedWithTheFile(string json, string problem) =>
        Assert.Contains(problem, Refused(json).Message);

    [Fact]
    public void SkippedStepsCountInNoMean()
    {
        // lr 10: step 0 is finite and applied, steps 1–3 are not finite and skipped (see NonFiniteLossTests).
        var config = TinyRuns.Config(4) with
        {
            Optimizer = new OptimizerSettings { LearningRate = 10 }, MaxBadSteps = 10, LogEvery = 2,
        };
        var everyStep = new List<StepStats>();
        using (var single = new Trainer(config with { LogEvery = 1 }, TinyRuns.Data()) { OnStats = everyStep.Add })
            single.TrainStep();
        double stepZeroLoss = everyStep[0].Loss;
        Assert.True(double.IsFinite(stepZeroLoss));

        var logged = new List<StepStats>();
        using var trainer = new Trainer(config, TinyRuns.Data()) { OnStats = logged.Add };
        for (int i = 0; i < 4; i++) trainer.TrainStep();
        Assert.Equal(3, trainer.BadSteps);
        // Interval 1 (steps 0, 1): the mean of the one applied step, not half of it.
        Assert.Equal(stepZeroLoss, logged[0].Loss);
        // Interval 2 (steps 2, 3): every step skipped, so there is no loss to log (NaN), not 0.
        Assert.True(double.IsNaN(logged[1].Loss), $"an interval of skipped steps logged loss {logged[1].Loss}");
        Assert.True(double.IsNaN(logged[1].SupervisedLoss));
    }

    [Fact]
    public void TheConfigsDeviceIsNotOverriddenByTheCommandLinesDefault()
    {
        // No CUDA here: a config asking for cuda must say so, not train on the CPU as "auto" would.
        using var dir = new TempDirectory();
        var config = JsonNode.Parse(CliProcess.TinyConfig)!.AsObject();
        config["device"] = "cuda";
        File.WriteAllText(dir.File("cuda.json"), config.ToJsonString());
        if (cuda.is_available()) return;
        var run = CliProcess.Run(dir.Path, 120, "train", "--preset", "smoke", "--config", "cuda.json", "--steps", "2", "--out", "run");
        Assert.True(run.ExitCode == 1, $"exit code {run.ExitCode}; stderr: {run.Stderr}");
        Assert.Contains("--device cuda was asked for, but no CUDA device is available", Assert.Single(CliProcess.ErrorLines(run.Stderr)));
    }

    // ---- class 9: settings are checked against the data's class count and name the file ----

    [Fact]
    public void TopKAndM2NistSettingsAreCheckedWhenTheFileIsRead()
    {
        // M2NIST-LT has 11 classes: top_k 12 is refused at once, naming the file, before any data is loaded.
        Assert.Contains("method.top_k must be in [1, 11] (the class count), got 12", Refused("""{ "method": { "top_k": 12 } }""").Message);
        Assert.Contains("M2NIST-LT settings: a 28-pixel digit (DigitScale 1) does not fit a 16-pixel canvas",
            Refused("""{ "data": { "m2nist": { "canvas_size": 16 } } }""").Message);
        Assert.Contains("data.m2nist.labeled_fraction 0.001 of 256 training canvases labels none",
            Refused("""{ "data": { "m2nist": { "labeled_fraction": 0.001 } } }""").Message);
    }

    // ---- class 4: what a setting or a header asks to allocate is bounded first ----

    [Fact]
    public void ACanvasSizeOverTheMemoryBudgetIsRefusedBeforeAnyCanvasIsMade()
    {
        // 256 + 64 + 64 canvases of 2048² pixels: 3 GiB of images and masks, over the 2 GiB budget.
        var e = Refused("""{ "data": { "m2nist": { "canvas_size": 2048 } } }""");
        Assert.Contains("256 + 64 + 64 canvases of 2048×2048 take 3072 MiB as images and masks, over the budget of 2048 MiB", e.Message);
    }

    [Fact]
    public void ASmallCheckpointNamingAHugeModelIsRefusedBeforeTheModelIsBuilt()
    {
        using var dir = new TempDirectory();
        // A header (a few kilobytes) naming the widest compact model (~94 M parameters), and no weights.
        var config = TinyRuns.Config(2) with { Model = new Farcluss.Models.ModelSettings { Width = 256 } };
        var header = new JsonObject
        {
            ["Format"] = 2, ["Architecture"] = "compact-w256-os4", ["NumClasses"] = 11, ["InChannels"] = 1, ["Step"] = 2,
            ["ConfigJson"] = ConfigFile.ToJson(config),
        };
        var path = dir.File("huge.bin");
        using (var writer = new BinaryWriter(File.Create(path)))
        {
            writer.Write("FARCLUSS-CHECKPOINT");
            writer.Write(header.ToJsonString());
            writer.Write(new byte[1000]);
        }
        var e = Assert.Throws<KitException>(() => Checkpoint.LoadTeacher(path, CPU));
        Assert.Equal(path, e.FilePath);
        Assert.Matches(@"checkpoint header describes a model of [\d,]+ parameters, which needs at least [\d,]+ bytes, but the file has [\d,]+$", e.Message);
    }

    // ---- the property: any mutation of a config trains or is one KitException ----

    static readonly JsonNode[] NumberChoices = [-1, 0, 0.5, 1, 2, 3, 17, 1e30, 1_000_000_000, "Infinity", "-Infinity", "NaN"];
    static readonly JsonNode[] TextChoices = ["bogus", "", "cpu"];

    /// <summary>Every leaf of a JSON object, by path.</summary>
    static List<string[]> Leaves(JsonObject node, string[] prefix)
    {
        var leaves = new List<string[]>();
        foreach (var (key, value) in node)
        {
            string[] path = [.. prefix, key];
            if (value is JsonObject child) leaves.AddRange(Leaves(child, path));
            else leaves.Add(path);
        }
        return leaves;
    }

    [Fact]
    public void ARandomlyMutatedConfigTrainsOrIsOneKitException()
    {
        // The tiny config laid over the smoke preset, written out whole: every setting the kit has is a leaf.
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tiny.json"), CliProcess.TinyConfig);
        var full = JsonNode.Parse(ConfigFile.ToJson(ConfigFile.Load(dir.File("tiny.json"), Presets.Smoke) with { Device = "cpu" }))!.AsObject();
        var leaves = Leaves(full, []).Where(p => p[^1] is not ("root" or "steps" or "threads")).ToList(); // data stays the test's, runs stay short
        var random = new Random(14);
        var outcomes = new List<string>();
        for (int trial = 0; trial < 60; trial++)
        {
            var mutated = full.DeepClone().AsObject();
            var path = leaves[random.Next(leaves.Count)];
            JsonNode parent = mutated;
            foreach (var key in path[..^1]) parent = parent[key]!;
            var old = parent[path[^1]];
            JsonNode? value = old?.GetValueKind() switch
            {
                System.Text.Json.JsonValueKind.String => TextChoices[random.Next(TextChoices.Length)].DeepClone(),
                System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => !old.GetValue<bool>(),
                _ => NumberChoices[random.Next(NumberChoices.Length)].DeepClone(),
            };
            parent[path[^1]] = value;
            File.WriteAllText(dir.File("mutated.json"), mutated.ToJsonString());
            string what = $"{string.Join('.', path)} = {value?.ToJsonString() ?? "null"}";
            try
            {
                var config = ConfigFile.Load(dir.File("mutated.json"), Presets.Smoke) with { Steps = 2, Threads = 1 };
                config = config with { Data = config.Data with { Root = config.Data.Kind == "m2nist-lt" ? MnistTestData.EnsureFetched() : config.Data.Root } };
                var data = TrainingData.Load(config.Data);
                using var trainer = new Trainer(config, data);
                trainer.TrainStep();
                trainer.TrainStep();
                outcomes.Add($"trains: {what}");
            }
            catch (KitException e)
            {
                Assert.DoesNotContain('\n', e.Message); // one line
                outcomes.Add($"refused: {what}: {e.Message}");
            }
            catch (Exception e)
            {
                Assert.Fail($"{what} ended in {e.GetType().Name}: {e.Message}\nso far:\n{string.Join('\n', outcomes)}");
            }
        }
        Assert.Contains(outcomes, o => o.StartsWith("trains"));
        Assert.Contains(outcomes, o => o.StartsWith("refused"));
    }
}

/// <summary>Issue 14, classes 4 and 7, for folder datasets (Pascal VOC layout).</summary>
public class FolderDatasetBoundsTests
{
    static TempDirectory MakeVoc(params (string Id, int Width, int Height)[] samples)
    {
        var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("voc/JPEGImages"));
        Directory.CreateDirectory(dir.File("voc/SegmentationClass"));
        foreach (var (id, width, height) in samples)
        {
            using (var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(width, height))
                SixLabors.ImageSharp.ImageExtensions.SaveAsPng(image, dir.File($"voc/JPEGImages/{id}.png"));
            using var mask = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.L8>(width, height,
                new SixLabors.ImageSharp.PixelFormats.L8(15));
            SixLabors.ImageSharp.ImageExtensions.SaveAsPng(mask, dir.File($"voc/SegmentationClass/{id}.png"));
        }
        File.WriteAllLines(dir.File("list.txt"), samples.Select(s => $"JPEGImages/{s.Id}.png SegmentationClass/{s.Id}.png"));
        return dir;
    }

    [Fact]
    public void DataInspectOfAFolderDatasetWithoutAnUnlabeledSplitPrintsItsTable()
    {
        using var dir = MakeVoc(("a", 12, 10), ("b", 12, 10));
        File.WriteAllText(dir.File("voc.json"), $$"""
            { "data": { "kind": "voc-folder", "root": "{{dir.File("voc")}}", "labeled_split": "{{dir.File("list.txt")}}",
                        "validation_split": "{{dir.File("list.txt")}}", "crop_size": 8 } }
            """);
        var run = CliProcess.Run(dir.Path, 120, "data", "inspect", "--preset", "smoke", "--config", "voc.json", "--device", "cpu");
        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}; stderr: {run.Stderr}");
        Assert.Contains("person", run.Stdout); // class 15 has pixels; the unlabeled columns show "–"
    }

    [Fact]
    public void AFolderSplitOverTheMemoryBudgetIsRefusedFromTheHeadersBeforeAllocating()
    {
        // Two images of 50,000 pixels each, one a row and one a column: whole, padded to one canvas, they
        // would take 2 × 50,000² × 4 bytes = 18.6 GiB, over the 16 GiB budget. Only headers are read.
        using var dir = MakeVoc(("row", 50_000, 1), ("column", 1, 50_000));
        var dataset = Farcluss.Data.VocFolderDataset.Open(dir.File("voc"), dir.File("list.txt"));
        var e = Assert.Throws<KitException>(() => dataset.ToCanvasSplit("validation"));
        Assert.Equal(dir.File("list.txt"), e.FilePath);
        Assert.Contains("2 samples as whole images padded to 50000×50000 take 18.6 GiB, over the 16 GiB budget", e.Message);
    }
}
