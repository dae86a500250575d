using System.Diagnostics;
using System.Text.Json.Nodes;
using Farcluss.Tests.Data;
using Farcluss.Training;

namespace Farcluss.Tests.Reliability;

/// <summary>
/// Issue 5, "Training that survives": a training process killed hard (SIGKILL) in the middle and
/// resumed with --resume ends with exactly the bytes of an uninterrupted run of the same seed.
/// </summary>
public class KillAndResumeTests
{
    const int Steps = 40;

    [Fact]
    public void AKilledAndResumedRunEndsBitwiseIdenticalToAnUninterruptedOne()
    {
        using var dir = new TempDirectory();
        // Checkpoints every 5 steps, log intervals of 3, so the kill lands inside an open log interval.
        var config = JsonNode.Parse(CliProcess.TinyConfig)!.AsObject();
        config["checkpoint_every"] = 5;
        config["log_every"] = 3;
        File.WriteAllText(dir.File("tiny.json"), config.ToJsonString());
        string[] Train(string output, params string[] more) =>
            ["train", "--preset", "smoke", "--config", "tiny.json", "--steps", $"{Steps}", "--seed", "3", "--device", "cpu", "--out", output, .. more];

        // 1. The reference: one uninterrupted run.
        var reference = CliProcess.Run(dir.Path, 300, Train("uninterrupted"));
        Assert.True(reference.ExitCode == 0, reference.Stderr);

        // 2. The same run, SIGKILLed as soon as a checkpoint from step 15 or later exists.
        long killedAt;
        using (var victim = CliProcess.Start(dir.Path, Train("killed")))
        {
            _ = victim.StandardOutput.ReadToEndAsync();
            _ = victim.StandardError.ReadToEndAsync();
            var clock = Stopwatch.StartNew();
            while ((killedAt = CheckpointStep(dir.File("killed/checkpoint.bin"))) < 15)
            {
                Assert.False(victim.HasExited, "the run ended before it could be killed");
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(4), "no checkpoint appeared");
                Thread.Sleep(10);
            }
            Assert.False(victim.HasExited, "the run ended before it could be killed");
            victim.Kill(entireProcessTree: true); // SIGKILL on Linux: no finally blocks, no flushing
            victim.WaitForExit();
        }
        killedAt = CheckpointStep(dir.File("killed/checkpoint.bin")); // it may have written one more before dying
        Assert.InRange(killedAt, 15, Steps - 1);
        // A kill during a later checkpoint write would leave a temporary file: it must not matter.
        File.WriteAllText(dir.File("killed/checkpoint.bin.tmp"), "half a checkpoint");

        // 3. Resume in the same folder.
        var resumed = CliProcess.Run(dir.Path, 300, Train("killed", "--resume"));
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Contains($"at step {killedAt}", resumed.Stderr);

        // Every byte of the final checkpoint agrees: student, teacher, head, Adam's moments and step
        // counts, class frequencies, prototypes, the header (step 40, config).
        var expected = File.ReadAllBytes(dir.File("uninterrupted/checkpoint.bin"));
        var actual = File.ReadAllBytes(dir.File("killed/checkpoint.bin"));
        Assert.Equal(expected.Length, actual.Length);
        Assert.True(expected.AsSpan().SequenceEqual(actual), "the resumed run's final checkpoint differs from the uninterrupted run's");

        // And the metrics file reads as if nothing happened (timings aside): the lines the killed run
        // wrote after its last checkpoint are gone, and the interval open at the kill logs the same means.
        Assert.Equal(MetricsWithoutTimings(dir.File("uninterrupted/metrics.jsonl")), MetricsWithoutTimings(dir.File("killed/metrics.jsonl")));
    }

    /// <summary>The step in a checkpoint's header, or −1 while there is none (or it is being replaced).</summary>
    static long CheckpointStep(string path)
    {
        try
        {
            using var reader = new BinaryReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
            return CheckpointFile.ReadHeader(reader, path).Step;
        }
        catch (Exception e) when (e is IOException or KitException) { return -1; }
    }

    // The numerics lines say how each process computed (a resumed run writes its own at its first step): not a result.
    static string[] MetricsWithoutTimings(string path) => File.ReadAllLines(path).Where(line => !line.Contains("\"kind\":\"numerics\"")).Select(line =>
    {
        var o = JsonNode.Parse(line)!.AsObject();
        if (o["stats"] is JsonObject stats) { stats.Remove("ms_per_step"); stats.Remove("ms_per_term"); }
        return o.ToJsonString();
    }).ToArray();
}
