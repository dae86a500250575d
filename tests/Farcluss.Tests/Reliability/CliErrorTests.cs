using System.Text.Json.Nodes;
using Farcluss.Tests.Data;

namespace Farcluss.Tests.Reliability;

/// <summary>
/// The CLI as a user meets it: bad input ends the process with exit code 1 and exactly one line
/// `error: &lt;file&gt;: &lt;problem&gt;` on stderr (no stack trace), before anything is written.
/// </summary>
public class CliErrorTests
{
    static string[] Train(string config, params string[] more) =>
        ["train", "--preset", "smoke", "--config", config, "--steps", "2", "--device", "cpu", .. more];

    static void AssertOneErrorLine(string expected, (int ExitCode, string Stdout, string Stderr) run)
    {
        Assert.True(run.ExitCode == 1, $"exit code {run.ExitCode}; stderr: {run.Stderr}");
        Assert.Equal([expected], CliProcess.ErrorLines(run.Stderr));
        Assert.DoesNotContain("   at ", run.Stderr);
    }

    [Fact]
    public void ConfigFileErrorsNameTheFile()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("typo.json"), """{ "metod": { "top_k": 2 } }""");
        File.WriteAllText(dir.File("crop.json"), """{ "augment": { "cut_mix_area_min": 0.5, "cut_mix_area_max": 1.5 } }""");
        File.WriteAllText(dir.File("broken.json"), """{ "steps": 10, """);

        AssertOneErrorLine($"error: {dir.File("typo.json")}: bad config: The JSON property 'metod' could not be mapped to any .NET member contained in type 'Farcluss.Config.TrainingConfig'.",
            CliProcess.Run(dir.Path, 120, Train("typo.json", "--out", "a")));
        AssertOneErrorLine($"error: {dir.File("crop.json")}: augment.CutMix box areas must satisfy 0 ≤ cut_mix_area_min ≤ cut_mix_area_max ≤ 1 " +
                           "(a box cannot be larger than the image), got 0.5 and 1.5",
            CliProcess.Run(dir.Path, 120, Train("crop.json", "--out", "b")));
        var broken = CliProcess.Run(dir.Path, 120, Train("broken.json", "--out", "c"));
        Assert.Equal(1, broken.ExitCode);
        Assert.StartsWith($"error: {dir.File("broken.json")}: not valid JSON:", Assert.Single(CliProcess.ErrorLines(broken.Stderr)));
        AssertOneErrorLine($"error: {dir.File("missing.json")}: config file not found",
            CliProcess.Run(dir.Path, 120, Train("missing.json", "--out", "d")));
        // Nothing was written for any of them.
        Assert.Empty(Directory.GetDirectories(dir.Path));
    }

    [Fact]
    public void ACorruptMnistFileAndAnEmptyLabeledSetAreOneLine()
    {
        using var dir = new TempDirectory();
        // Four MNIST files where the training images file holds labels (magic 2049 instead of 2051).
        var mnist = Directory.CreateDirectory(dir.File("bad-mnist")).FullName;
        File.WriteAllBytes(Path.Combine(mnist, "train-images-idx3-ubyte"), IdxBytes.Labels([1, 2]));
        File.WriteAllBytes(Path.Combine(mnist, "train-labels-idx1-ubyte"), IdxBytes.Labels([1, 2]));
        File.WriteAllBytes(Path.Combine(mnist, "t10k-images-idx3-ubyte"), IdxBytes.Images(1, 28, 28, _ => 0));
        File.WriteAllBytes(Path.Combine(mnist, "t10k-labels-idx1-ubyte"), IdxBytes.Labels([1]));
        File.WriteAllText(dir.File("tiny.json"), CliProcess.TinyConfig);
        var corrupt = CliProcess.Run(dir.Path, 120, Train("tiny.json", "--out", "a", "--data", mnist));
        Assert.Equal(1, corrupt.ExitCode);
        var line = Assert.Single(CliProcess.ErrorLines(corrupt.Stderr));
        Assert.StartsWith($"error: {Path.Combine(mnist, "train-images-idx3-ubyte")}: ", line);
        Assert.Contains("magic number is 2049, expected 2051", line);

        // labeled_fraction 0: 64 training canvases, none labeled.
        var config = JsonNode.Parse(CliProcess.TinyConfig)!.AsObject();
        config["data"]!["m2nist"]!["labeled_fraction"] = 0;
        File.WriteAllText(dir.File("unlabeled.json"), config.ToJsonString());
        AssertOneErrorLine($"error: {dir.File("unlabeled.json")}: data.m2nist.labeled_fraction 0 of 64 training canvases labels none: nothing to train on",
            CliProcess.Run(dir.Path, 120, Train("unlabeled.json", "--out", "b")));
    }

    [Fact]
    public void ACheckpointFromAnotherModelIsRefusedByResumeAndEval()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tiny.json"), CliProcess.TinyConfig);
        var config = JsonNode.Parse(CliProcess.TinyConfig)!.AsObject();
        config["model"]!["width"] = 12;
        File.WriteAllText(dir.File("wide.json"), config.ToJsonString());

        var first = CliProcess.Run(dir.Path, 180, Train("tiny.json", "--out", "run"));
        Assert.True(first.ExitCode == 0, first.Stderr);
        var checkpoint = dir.File("run/checkpoint.bin");
        var before = File.ReadAllBytes(checkpoint);

        // The path as the user gave it (--out run).
        AssertOneErrorLine("error: run/checkpoint.bin: this run was trained with other settings than asked now (model.width: 8 → 12); " +
                           "a resumed run keeps its settings (only log_every, eval_every, checkpoint_every, max_bad_steps, threads and device " +
                           "may change): resume with the run's own config, or start a new run with another --out",
            CliProcess.Run(dir.Path, 120, Train("wide.json", "--out", "run", "--resume")));
        Assert.Equal(before, File.ReadAllBytes(checkpoint)); // the refused resume left the checkpoint alone

        File.WriteAllBytes(dir.File("junk.bin"), before[..1000]); // cut inside the JSON header
        var junk = CliProcess.Run(dir.Path, 120, "eval", "--checkpoint", "junk.bin", "--device", "cpu");
        Assert.Equal(1, junk.ExitCode);
        Assert.StartsWith($"error: {dir.File("junk.bin")}: checkpoint header claims ", Assert.Single(CliProcess.ErrorLines(junk.Stderr)));
        Assert.DoesNotContain("   at ", junk.Stderr);
        AssertOneErrorLine("error: none/checkpoint.bin: checkpoint not found",
            CliProcess.Run(dir.Path, 120, Train("tiny.json", "--out", "none", "--resume")));
    }
}
