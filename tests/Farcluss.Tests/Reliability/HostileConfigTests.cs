using System.Diagnostics;
using System.Text.Json.Nodes;
using Farcluss.Config;
using Farcluss.Models;
using Farcluss.Tests.Data;
using Farcluss.Training;
using static TorchSharp.torch;

namespace Farcluss.Tests.Reliability;

/// <summary>
/// Issue 24, items 2 (config files), 3 and 4: a config file must be a regular file of at most 1 MiB (not
/// /dev/zero, not a FIFO, not a folder); a value echoed in an error is cut to 200 characters with its length;
/// everything the config decides is checked when it is read, naming the file (kinds, the device, a model's
/// fields); a checkpoint header naming a ResNet is checked against the file's length before anything is built.
/// </summary>
public class HostileConfigTests
{
    static KitException Refused(string json)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("c.json"), json);
        var e = Assert.Throws<KitException>(() => ConfigFile.Load(dir.File("c.json"), Presets.Smoke));
        Assert.StartsWith(dir.File("c.json") + ": ", e.Message); // the file is named
        return e;
    }

    static void AssertOneLine((int ExitCode, string Stdout, string Stderr) run, string expected)
    {
        Assert.True(run.ExitCode == 1, $"exit code {run.ExitCode}; stderr: {run.Stderr[..Math.Min(run.Stderr.Length, 2000)]}");
        Assert.Equal([expected], CliProcess.ErrorLines(run.Stderr));
        Assert.DoesNotContain("   at ", run.Stderr);
    }

    [Fact]
    public void AConfigMustBeARegularFileOfAtMostOneMebibyte()
    {
        using var dir = new TempDirectory();
        string[] Train(string config) => ["train", "--preset", "smoke", "--config", config, "--steps", "2", "--device", "cpu", "--out", "run"];
        // /dev/zero was read until memory ran out; a FIFO blocked forever (opening it waits for a writer).
        AssertOneLine(CliProcess.Run(dir.Path, 60, Train("/dev/zero")),
            "error: /dev/zero: a config file must be a regular file, and this is a character device");
        using (var mkfifo = Process.Start("mkfifo", [dir.File("pipe.json")])) mkfifo.WaitForExit();
        AssertOneLine(CliProcess.Run(dir.Path, 60, Train("pipe.json")),
            $"error: {dir.File("pipe.json")}: a config file must be a regular file, and this is a FIFO (named pipe)");
        Directory.CreateDirectory(dir.File("folder.json"));
        AssertOneLine(CliProcess.Run(dir.Path, 60, Train("folder.json")), $"error: {dir.File("folder.json")}: this is a folder, not a config file");
        File.WriteAllText(dir.File("big.json"), "{ \"steps\": 2" + new string(' ', 1 << 20) + "}"); // 1 MiB + 13 bytes of valid JSON
        AssertOneLine(CliProcess.Run(dir.Path, 60, Train("big.json")),
            $"error: {dir.File("big.json")}: config file is {(1 << 20) + 13} bytes, more than the 1048576-byte limit");
        Assert.False(Directory.Exists(dir.File("run")), "a refused config left a run folder");
    }

    [Theory]
    [InlineData("""{ "device": "VALUE" }""", "device must be auto, cpu or cuda, got 'xxxx")]
    [InlineData("""{ "optimizer": { "name": "VALUE" } }""", "optimizer.name must be adam or sgd, got 'xxxx")]
    [InlineData("""{ "data": { "kind": "VALUE" } }""", "data.kind must be m2nist-lt, voc-folder, cityscapes-folder, got 'xxxx")]
    [InlineData("""{ "model": { "kind": "VALUE" } }""", "model.kind must be compact, resnet50, resnet101, got 'xxxx")]
    [InlineData("""{ "data": { "evaluation": { "mode": "VALUE" } } }""", "evaluation.mode must be whole or sliding, got 'xxxx")]
    [InlineData("""{ "VALUE": 1 }""", "bad config: The JSON property 'xxxx")]
    public void AHugeValueIsEchoedCutTo200CharactersWithItsLength(string template, string start)
    {
        var e = Refused(template.Replace("VALUE", new string('x', 100_000)));
        Assert.Contains(start, e.Message);
        Assert.Contains($"'{new string('x', 200)}…' (100000 characters)", e.Message);
        Assert.True(e.Message.Length < 600, $"a {e.Message.Length}-character message");
    }

    [Fact]
    public void AHugeDeviceOnTheCommandLineIsOneBoundedLine()
    {
        using var dir = new TempDirectory();
        var run = CliProcess.Run(dir.Path, 60, "train", "--preset", "smoke", "--device", new string('x', 100_000), "--out", "run");
        AssertOneLine(run, $"error: device must be auto, cpu or cuda, got '{new string('x', 200)}…' (100000 characters)");
    }

    [Fact]
    public void KindsAndAModelsFieldsAreCheckedWhenTheConfigIsRead()
    {
        Assert.EndsWith("data.kind must be m2nist-lt, voc-folder, cityscapes-folder, got 'voc'", Refused("""{ "data": { "kind": "voc" } }""").Message);
        Assert.EndsWith("model.kind must be compact, resnet50, resnet101, got 'resnet34'", Refused("""{ "model": { "kind": "resnet34" } }""").Message);
        // The smoke preset sets the compact model's width, which a ResNet does not have.
        Assert.EndsWith("model: Width applies to the compact model only, not to resnet101 (got Width 16).",
            Refused("""{ "model": { "kind": "resnet101" } }""").Message);
    }

    [Fact]
    public void CudaWithoutAGpuIsRefusedWhenTheConfigIsReadNamingIt()
    {
        if (cuda.is_available()) return; // the case is a machine without one
        using var dir = new TempDirectory();
        var config = JsonNode.Parse(CliProcess.TinyConfig)!.AsObject();
        config["device"] = "cuda";
        File.WriteAllText(dir.File("cuda.json"), config.ToJsonString());
        var run = CliProcess.Run(dir.Path, 120, "train", "--preset", "smoke", "--config", "cuda.json", "--steps", "2", "--out", "run");
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"error: {dir.File("cuda.json")}: --device cuda was asked for, but no CUDA device is available", Assert.Single(CliProcess.ErrorLines(run.Stderr)));
        Assert.DoesNotContain("data: ", run.Stderr); // before the data loaded
        Assert.False(Directory.Exists(dir.File("run")));
    }

    [Fact]
    public void ResNetParameterCountsAreTorchvisionsBackbonePlusTheHandCountedHead()
    {
        // torchvision: resnet50 25,557,032 and resnet101 44,549,160 parameters, fc 2,049,000 of them; the head for
        // 21 classes 16,843,893 (ResNetDeepLabV3PlusTests' hand count). Nothing is built to know it.
        Assert.Equal(23_508_032 + 16_843_893, ModelFactory.ParameterCount(new ModelSettings { Kind = ModelSettings.ResNet50, NumClasses = 21 }));
        Assert.Equal(42_500_160 + 16_843_893, ModelFactory.ParameterCount(new ModelSettings { Kind = ModelSettings.ResNet101, NumClasses = 21 }));
    }

    [Fact]
    public void ASmallCheckpointNamingAResNet101IsRefusedBeforeAnyModelIsBuilt()
    {
        using var dir = new TempDirectory();
        var config = TinyRuns.Config(2) with { Model = new ModelSettings { Kind = ModelSettings.ResNet101 } };
        var header = new JsonObject
        {
            ["Format"] = 2, ["Architecture"] = "resnet101-os16", ["NumClasses"] = 21, ["InChannels"] = 3, ["Step"] = 2,
            ["ConfigJson"] = ConfigFile.ToJson(config),
        };
        var path = dir.File("r101.bin");
        using (var writer = new BinaryWriter(File.Create(path)))
        {
            writer.Write("FARCLUSS-CHECKPOINT");
            writer.Write(header.ToJsonString());
            writer.Write(new byte[1000]);
        }
        long length = new FileInfo(path).Length;
        var e = Assert.Throws<KitException>(() => Checkpoint.LoadTeacher(path, CPU));
        Assert.Equal($"{path}: checkpoint header describes a model of 59,344,053 parameters, which needs at least 474,752,424 bytes, " +
                     $"but the file has {length:N0}", e.Message);
    }
}
