using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Farcluss.Tests.Data;

namespace Farcluss.Tests.Reliability;

/// <summary>
/// Issue 14, classes 1, 2, 3, 6 and 7: what is on disk is never silently changed. A resume with other
/// settings, a second train into a used folder and an ablate into results made with other settings are
/// refused with one error line and leave their folder byte-identical; a damaged checkpoint is refused by
/// eval as by resume; a write that fails (disk full, a folder that cannot be written) is exit 1 and
/// leaves no temporary file.
/// </summary>
public class RunSafetyTests
{
    static string[] Train(string output, params string[] more) =>
        ["train", "--preset", "smoke", "--config", "tiny.json", "--device", "cpu", "--out", output, .. more, .. more.Contains("--steps") ? [] : new[] { "--steps", "4" }];

    static TempDirectory WithTinyConfig(Action<JsonObject>? change = null, string name = "tiny.json", TempDirectory? into = null)
    {
        var dir = into ?? new TempDirectory();
        var config = JsonNode.Parse(CliProcess.TinyConfig)!.AsObject();
        change?.Invoke(config);
        File.WriteAllText(dir.File(name), config.ToJsonString());
        return dir;
    }

    static void AssertRefused((int ExitCode, string Stdout, string Stderr) run, params string[] mentions)
    {
        Assert.True(run.ExitCode == 1, $"exit code {run.ExitCode}; stderr: {run.Stderr}");
        var line = Assert.Single(CliProcess.ErrorLines(run.Stderr));
        foreach (var m in mentions) Assert.Contains(m, line);
        Assert.DoesNotContain("   at ", run.Stderr);
    }

    static void AssertOk((int ExitCode, string Stdout, string Stderr) run) =>
        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}; stderr: {run.Stderr}");

    // ---- class 1: resume with a changed config ----

    [Fact]
    public void ResumeWithAChangedSettingIsRefusedAndLeavesTheRunFolderByteIdentical()
    {
        using var dir = WithTinyConfig();
        AssertOk(CliProcess.Run(dir.Path, 180, Train("run")));
        var before = FolderBytes.Of(dir.File("run"));

        // Each change below alters what the run computes; each is named by its config key.
        WithTinyConfig(c => c["optimizer"] = new JsonObject { ["learning_rate"] = 0.002 }, "lr.json", dir);
        WithTinyConfig(c => c["data"]!["m2nist"]!["labeled_fraction"] = 0.5, "fraction.json", dir);
        var cases = new (string[] Args, string Named)[]
        {
            (["train", "--preset", "smoke", "--config", "lr.json", "--steps", "4", "--device", "cpu", "--out", "run", "--resume"],
                "optimizer.learning_rate: 0.001 → 0.002"),
            (["train", "--preset", "smoke", "--config", "fraction.json", "--steps", "4", "--device", "cpu", "--out", "run", "--resume"],
                "data.m2nist.labeled_fraction: 0.25 → 0.5"),
            (Train("run", "--resume", "--seed", "1"), "seed: 0 → 1"),
            (["train", "--preset", "smoke", "--config", "tiny.json", "--steps", "6", "--device", "cpu", "--out", "run", "--resume"], "steps: 4 → 6"),
            (Train("run", "--resume", "--variant", "hard"), "method.top_k: 3 → 1"),
        };
        foreach (var (args, named) in cases)
        {
            AssertRefused(CliProcess.Run(dir.Path, 120, args), "run/checkpoint.bin: this run was trained with other settings", named);
            FolderBytes.AssertUnchanged(before, dir.File("run"), $"the refused `{string.Join(' ', args)}`");
        }

        // What cannot change the run may change: the log interval. The resumed run (already at its last
        // step) evaluates again and records the new interval in config.json, honestly.
        WithTinyConfig(c => c["log_every"] = 2, "log.json", dir);
        AssertOk(CliProcess.Run(dir.Path, 180, "train", "--preset", "smoke", "--config", "log.json", "--steps", "4", "--device", "cpu",
            "--out", "run", "--resume"));
        Assert.Equal(2, JsonNode.Parse(File.ReadAllText(dir.File("run/config.json")))!["log_every"]!.GetValue<int>());
    }

    // ---- class 2: a run folder is protected ----

    [Fact]
    public void ASecondTrainIntoAUsedFolderIsRefusedUnlessResumedOrOverwritten()
    {
        using var dir = WithTinyConfig();
        AssertOk(CliProcess.Run(dir.Path, 180, Train("run")));
        var before = FolderBytes.Of(dir.File("run"));

        AssertRefused(CliProcess.Run(dir.Path, 120, Train("run")), "error: run: this run folder is not empty (checkpoint.bin, config.json, metrics.jsonl)",
            "--resume", "--overwrite");
        FolderBytes.AssertUnchanged(before, dir.File("run"), "a second train without --resume or --overwrite");
        AssertRefused(CliProcess.Run(dir.Path, 120, Train("run", "--resume", "--overwrite")), "give one of them");
        FolderBytes.AssertUnchanged(before, dir.File("run"), "train --resume --overwrite");

        // --overwrite replaces the run: a new seed, a new checkpoint, metrics of the new run only.
        AssertOk(CliProcess.Run(dir.Path, 180, Train("run", "--overwrite", "--seed", "5")));
        Assert.Equal(5, JsonNode.Parse(File.ReadAllText(dir.File("run/config.json")))!["seed"]!.GetValue<int>());
        Assert.NotEqual(before["checkpoint.bin"], FolderBytes.Of(dir.File("run"))["checkpoint.bin"]);
    }

    [Fact]
    public void TwoTrainsIntoOneFolderAtOnceCannotBothWrite()
    {
        using var dir = WithTinyConfig();
        using var first = CliProcess.Start(dir.Path, Train("run", "--steps", "400"));
        var firstErr = first.StandardError.ReadToEndAsync();
        _ = first.StandardOutput.ReadToEndAsync();
        try
        {
            // The first holds the folder once it wrote its config.
            var clock = Stopwatch.StartNew();
            while (!File.Exists(dir.File("run/config.json")))
            {
                Assert.False(first.HasExited, "the first run ended early: " + (first.HasExited ? firstErr.Result : ""));
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), "the first run never started");
                Thread.Sleep(20);
            }
            // Even --overwrite (which would otherwise delete its files) and --resume are refused meanwhile.
            AssertRefused(CliProcess.Run(dir.Path, 120, Train("run", "--overwrite")), "error: run: another farcluss command is using this run folder");
            Assert.False(first.HasExited);
        }
        finally
        {
            if (!first.HasExited) first.Kill(entireProcessTree: true);
            first.WaitForExit();
        }
    }

    // ---- class 3: ablate never overwrites results made with other settings ----

    static string[] Ablate(string output, int steps, params string[] more) =>
        ["ablate", "--preset", "smoke", "--config", "tiny.json", "--steps", $"{steps}", "--only", "supervised",
         "--device", "cpu", "--out", output, .. more, .. more.Contains("--seeds") ? [] : new[] { "--seeds", "0" }];

    [Fact]
    public void AblateRefusesToMergeRunsWithOtherSettingsAndLeavesTheResultsByteIdentical()
    {
        using var dir = WithTinyConfig();
        AssertOk(CliProcess.Run(dir.Path, 180, Ablate("res/abl", 2)));
        var before = FolderBytes.Of(dir.File("res"));

        AssertRefused(CliProcess.Run(dir.Path, 120, Ablate("res/abl", 3)), "res/abl.json: these runs would join results made with other settings (steps: 2 → 3)",
            "--replace");
        FolderBytes.AssertUnchanged(before, dir.File("res"), "an ablate with other steps");
        WithTinyConfig(c => c["model"]!["width"] = 12, "tiny.json", dir);
        AssertRefused(CliProcess.Run(dir.Path, 120, Ablate("res/abl", 2)), "(model.width: 8 → 12)");
        FolderBytes.AssertUnchanged(before, dir.File("res"), "an ablate with another config");

        // The same settings merge (a second seed joins); --replace starts afresh with the new settings.
        WithTinyConfig(into: dir);
        AssertOk(CliProcess.Run(dir.Path, 180, Ablate("res/abl", 2, "--seeds", "1")));
        var merged = JsonNode.Parse(File.ReadAllText(dir.File("res/abl.json")))!;
        Assert.Equal([0, 1], merged["runs"]!.AsArray().Select(r => r!["seed"]!.GetValue<int>()).Order());
        AssertOk(CliProcess.Run(dir.Path, 180, Ablate("res/abl", 3, "--replace")));
        var replaced = JsonNode.Parse(File.ReadAllText(dir.File("res/abl.json")))!;
        Assert.Equal(3, replaced["config"]!["steps"]!.GetValue<int>());
        Assert.Equal([3], replaced["runs"]!.AsArray().Select(r => r!["steps"]!.GetValue<int>()));

        // The table names the SHA-256 of the JSON it shows, so a table left stale by a kill between the two writes says so.
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(dir.File("res/abl.json"))));
        Assert.Contains($"Made from `abl.json`, SHA-256 `{sha}`.", File.ReadAllText(dir.File("res/abl.md")));

        // A table left stale (a kill between the two writes, here a hand edit) is made again from the JSON by
        // --table-only, which trains nothing and leaves the JSON's bytes as they were.
        var table = File.ReadAllText(dir.File("res/abl.md"));
        var jsonBytes = File.ReadAllBytes(dir.File("res/abl.json"));
        File.WriteAllText(dir.File("res/abl.md"), "stale");
        var rewrite = CliProcess.Run(dir.Path, 120, "ablate", "--out", "res/abl", "--table-only");
        AssertOk(rewrite);
        Assert.DoesNotContain("data: ", rewrite.Stderr);
        Assert.Equal(table, File.ReadAllText(dir.File("res/abl.md")));
        Assert.Equal(jsonBytes, File.ReadAllBytes(dir.File("res/abl.json")));
    }

    [Fact]
    public void AQuickAblateByDefaultCannotLandInTheCommittedResults()
    {
        // The issue's case, in a copy of the committed results: a 2-step smoke run of one row into the default --out.
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("results"));
        foreach (var name in new[] { "ablation.json", "ablation.md" })
            File.Copy(Path.Combine(MnistTestData.RepoRoot(), "results", name), dir.File($"results/{name}"));
        var before = FolderBytes.Of(dir.File("results"));
        var run = CliProcess.Run(dir.Path, 120, "ablate", "--preset", "smoke", "--steps", "2", "--seeds", "0", "--only", "supervised", "--device", "cpu");
        AssertRefused(run, "error: results/ablation.json: these runs would join results made with other settings", "--replace");
        Assert.DoesNotContain("data: ", run.Stderr); // refused before any data was loaded, let alone trained on
        FolderBytes.AssertUnchanged(before, dir.File("results"), "a quick ablate into the default results");
    }

    // ---- class 6: eval refuses a damaged checkpoint, as resume does ----

    [Fact]
    public void EvalRefusesACheckpointCutShortPaddedOrWithOneByteChanged()
    {
        using var dir = WithTinyConfig();
        AssertOk(CliProcess.Run(dir.Path, 180, Train("run")));
        var bytes = File.ReadAllBytes(dir.File("run/checkpoint.bin"));
        var flipped = (byte[])bytes.Clone();
        flipped[bytes.Length * 3 / 4] ^= 1; // one bit of Adam's state, past the teacher's weights
        var damaged = new (string Name, byte[] Bytes, string Problem)[]
        {
            // Cut or padded, the file's last 40 bytes are not its trailer: the message says so and quotes no size read from them
            // (issue 24: a half file was "said to hold -8114715565227000648 bytes").
            ("half.bin", bytes[..(bytes.Length / 2)], $"checkpoint is damaged (or cut short): its last 40 bytes are not the checksum trailer the kit writes (the file has {bytes.Length / 2} bytes)"),
            ("short.bin", bytes[..^1], $"checkpoint is damaged (or cut short): its last 40 bytes are not the checksum trailer the kit writes (the file has {bytes.Length - 1} bytes)"),
            ("flipped.bin", flipped, "checkpoint is damaged: its SHA-256 does not match its contents"),
        };
        foreach (var (name, content, problem) in damaged)
        {
            File.WriteAllBytes(dir.File(name), content);
            AssertRefused(CliProcess.Run(dir.Path, 120, "eval", "--checkpoint", name, "--device", "cpu"), $"error: {dir.File(name)}: {problem}");
        }
        AssertOk(CliProcess.Run(dir.Path, 120, "eval", "--checkpoint", "run/checkpoint.bin", "--device", "cpu"));
        // The run folder instead of its checkpoint: said so, not "not found".
        AssertRefused(CliProcess.Run(dir.Path, 120, "eval", "--checkpoint", "run", "--device", "cpu"),
            $"error: {dir.File("run")}: this is a folder; a checkpoint is a file (a run folder's checkpoint.bin)");
    }

    // ---- class 7: failures the user's machine causes are exit 1, and leave no temporary file ----

    [Fact]
    public void ADiskFullCheckpointOrConfigWriteIsExitOneAndLeavesNoTemporaryFile()
    {
        if (!File.Exists("/dev/full")) return; // Linux only: writes to /dev/full fail with ENOSPC, as on a full disk
        using var dir = WithTinyConfig();
        AssertOk(CliProcess.Run(dir.Path, 180, Train("run")));
        var checkpoint = File.ReadAllBytes(dir.File("run/checkpoint.bin"));

        // The temporary file a write goes to is a link to /dev/full: the write fails as on a full disk.
        File.CreateSymbolicLink(dir.File("run/checkpoint.bin.tmp"), "/dev/full");
        AssertRefused(CliProcess.Run(dir.Path, 180, Train("run", "--resume")), "error: run/checkpoint.bin: could not write the checkpoint (", "No space left on device");
        Assert.False(File.Exists(dir.File("run/checkpoint.bin.tmp")) || new FileInfo(dir.File("run/checkpoint.bin.tmp")).LinkTarget is not null);
        Assert.Equal(checkpoint, File.ReadAllBytes(dir.File("run/checkpoint.bin"))); // the previous checkpoint is whole

        File.CreateSymbolicLink(dir.File("run/config.json.tmp"), "/dev/full");
        AssertRefused(CliProcess.Run(dir.Path, 180, Train("run", "--resume")), "error: run/config.json: could not write (", "No space left on device");
        Assert.Null(new FileInfo(dir.File("run/config.json.tmp")).LinkTarget);
        Assert.False(File.Exists(dir.File("run/config.json.tmp")));
    }

    [Fact]
    public void AnOutputThatCannotBeWrittenIsRefusedBeforeAnyTraining()
    {
        using var dir = WithTinyConfig();
        File.WriteAllText(dir.File("not-a-folder"), "a file where the results folder should be");
        var ablate = CliProcess.Run(dir.Path, 120, Ablate("not-a-folder/abl", 2));
        AssertRefused(ablate, $"error: {dir.File("not-a-folder")}: cannot write here (");
        Assert.DoesNotContain("data: ", ablate.Stderr); // checked before the data is loaded and minutes are trained
        var train = CliProcess.Run(dir.Path, 120, Train("not-a-folder/run"));
        AssertRefused(train, "error: not-a-folder/run: cannot write the run folder (");
        Assert.DoesNotContain("data: ", train.Stderr);
    }

    [Fact]
    public void CheckpointsThatAreNotTheKitsAreExitOneNotUnexpected()
    {
        using var dir = new TempDirectory();
        // A first byte ≥ 0x80 (a 7-bit length that never ends), a header without its config, an empty file.
        File.WriteAllBytes(dir.File("high.bin"), [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x02]);
        using (var writer = new BinaryWriter(File.Create(dir.File("noconfig.bin"))))
        {
            writer.Write("FARCLUSS-CHECKPOINT");
            writer.Write("""{"Format":2,"Architecture":"compact-w8-os4","NumClasses":11,"InChannels":1,"Step":4}""");
        }
        using (var writer = new BinaryWriter(File.Create(dir.File("hugeheader.bin"))))
        {
            writer.Write("FARCLUSS-CHECKPOINT");
            writer.Write7BitEncodedInt(int.MaxValue); // a header "of 2 GiB" in a 30-byte file
        }
        File.WriteAllBytes(dir.File("empty.bin"), []);
        foreach (var (name, problem) in new[]
                 {
                     ("high.bin", "not a FARCLUSS checkpoint (bad magic)"), ("noconfig.bin", "checkpoint header lacks its architecture or its config"),
                     ("hugeheader.bin", "checkpoint header claims 2147483647 bytes"), ("empty.bin", "not a FARCLUSS checkpoint (bad magic)"),
                 })
            AssertRefused(CliProcess.Run(dir.Path, 120, "eval", "--checkpoint", name, "--device", "cpu"), $"error: {dir.File(name)}: {problem}");
    }
}
