using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Farcluss.Tests.Data;
using Farcluss.Tests.Reliability;

namespace Farcluss.Tests.Training;

/// <summary>
/// A refactoring of the trainer must change not one number. The smoke preset's run of each variant, started as a
/// user starts it (the CLI, seed 0, the config that run recorded in tests/baseline/configs/), must give the
/// metrics.jsonl (timings and numerics lines aside) and the checkpoint.bin whose sha256 tests/baseline/hashes.txt
/// holds: on the machine and numeric path the baseline was recorded on (hashes.txt's first line). Another CPU's
/// kernels round differently, so elsewhere the run must be bitwise identical to a second run on this machine, and
/// agree with the baseline's values (values.txt) within a tolerance; the message names both machines.
/// tests/baseline/run-hashes.sh records and checks the same, and the workshop preset's 50 steps, from the shell.
/// A change that is meant to move the numbers records the baseline again and says why in its commit.
/// </summary>
public class NumbersUnchangedTests
{
    static readonly string Baseline = Path.Combine(MnistTestData.RepoRoot(), "tests", "baseline");

    /// <summary>The parts of metrics.jsonl that differ between machines, removed before hashing: the timing fields
    /// and the "numerics" lines (run-hashes.sh's strip_machine does the same).</summary>
    public static string StripMachineSpecific(string metrics) =>
        Regex.Replace(Regex.Replace(metrics, @"^\{""kind"":""numerics"".*\n", "", RegexOptions.Multiline),
                      @",?""ms_per_(step|term)"":(\{[^}]*\}|[^,}]*)", "");

    static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>"machine: CPU | ISA flags | numeric path | libtorch" of a run (run-hashes.sh's machine_of).</summary>
    static string MachineOf(string run)
    {
        var n = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "config.json")))!["numerics"]!;
        return $"machine: {n["cpu"]} | {n["cpu_isa"]} | {n["path"]} | libtorch {n["libtorch"]}";
    }

    static (string Metrics, string Checkpoint, string Machine, string Run) TrainSmoke(TempDirectory dir, string variant, string folder)
    {
        string run = Path.Combine(dir.Path, folder);
        var (code, _, stderr) = CliProcess.Run(dir.Path, 300, "train", "--preset", "smoke",
            "--config", Path.Combine(Baseline, "configs", $"smoke-{variant}.json"), "--variant", variant, "--seed", "0", "--out", run);
        Assert.True(code == 0, stderr);
        string metrics = StripMachineSpecific(File.ReadAllText(Path.Combine(run, "metrics.jsonl")));
        return (Sha256(Encoding.UTF8.GetBytes(metrics)), Sha256(File.ReadAllBytes(Path.Combine(run, "checkpoint.bin"))), MachineOf(run), run);
    }

    [Theory]
    [InlineData("supervised")]
    [InlineData("hard")]
    [InlineData("fuzzy")]
    [InlineData("weight")]
    [InlineData("rebalance")]
    [InlineData("farcluss")]
    [InlineData("farcluss-no-weight")]
    [InlineData("farcluss-reco")]
    public void The_smoke_run_gives_the_baselines_numbers(string variant)
    {
        string name = $"smoke-{variant}";
        var lines = File.ReadAllLines(Path.Combine(Baseline, "hashes.txt"));
        string recordedOn = lines[0].TrimStart('#', ' ');
        var want = lines.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Single(f => f.Length == 3 && f[0] == name);
        using var dir = new TempDirectory();
        var first = TrainSmoke(dir, variant, "run");
        if (first.Machine == recordedOn)
        {
            Assert.Equal(want[1], first.Metrics);
            Assert.Equal(want[2], first.Checkpoint);
            return;
        }
        // Another machine or numeric path: bitwise identity within this one, agreement with the baseline within a tolerance.
        var second = TrainSmoke(dir, variant, "again");
        Assert.Equal((first.Metrics, first.Checkpoint), (second.Metrics, second.Checkpoint));
        var gaps = Gaps(name, first.Run);
        Assert.True(gaps.All(g => g.Within), $"{name} differs from the baseline recorded on [{recordedOn}] (this run: [{first.Machine}]): " +
                                             string.Join("; ", gaps.Where(g => !g.Within).Select(g => g.What)));
    }

    /// <summary>Each loss (relative gap ≤ 1%) and mIoU (absolute gap ≤ 0.01) of a run against values.txt.</summary>
    static List<(bool Within, string What)> Gaps(string name, string run)
    {
        var want = File.ReadAllLines(Path.Combine(Baseline, "values.txt")).Select(l => l.Split(' ')).Where(f => f.Length > 1 && f[0] == name)
            .ToDictionary(f => string.Join(' ', f[1..^1]), f => double.Parse(f[^1], CultureInfo.InvariantCulture));
        var gaps = new List<(bool, string)>();
        foreach (var line in File.ReadLines(Path.Combine(run, "metrics.jsonl")))
        {
            var row = JsonNode.Parse(line)!;
            var (key, value, relative) = row["kind"]!.GetValue<string>() switch
            {
                "train" => ($"train {row["stats"]!["step"]}", row["stats"]!["loss"]!.GetValue<double>(), true),
                "eval" => ($"eval {row["eval"]!["split"]} {row["eval"]!["model"]}", row["eval"]!["mean_io_u"]!.GetValue<double>(), false),
                _ => ("", 0.0, false),
            };
            if (key.Length == 0) continue;
            if (!want.TryGetValue(key, out double expected)) { gaps.Add((false, $"{key}: no baseline value")); continue; }
            double gap = relative ? Math.Abs(value - expected) / Math.Abs(expected) : Math.Abs(value - expected);
            gaps.Add((gap <= 0.01, $"{key}: {value} against {expected}"));
        }
        Assert.NotEmpty(gaps);
        return gaps;
    }

    [Fact]
    public void Stripping_keeps_every_field_but_the_timings_and_the_numerics_lines()
    {
        const string lines = """
            {"kind":"numerics","step":0,"numerics":{"path":"default","cpu":"AMD EPYC"}}
            {"kind":"train","stats":{"step":5,"loss":2.5,"ms_per_step":199.3,"ms_per_term":{"teacher":1.5,"student":2}}}

            """;
        Assert.Equal("{\"kind\":\"train\",\"stats\":{\"step\":5,\"loss\":2.5}}\n", StripMachineSpecific(lines.Replace("\r\n", "\n")));
    }
}
