using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Farcluss.Tests.Data;
using Farcluss.Tests.Reliability;

namespace Farcluss.Tests.Training;

/// <summary>
/// A refactoring of the trainer must change not one number (issue 15). The smoke preset's run of each
/// variant, started as a user starts it (the CLI, seed 0, the config that run recorded in
/// tests/baseline/configs/), must give the metrics.jsonl (timings aside) and the checkpoint.bin whose
/// sha256 tests/baseline/hashes.txt holds. tests/baseline/run-hashes.sh records and checks the same
/// hashes, and the workshop preset's at 50 steps, from the shell. A change that is meant to move the
/// numbers records the hashes again and says why in its commit.
/// </summary>
public class NumbersUnchangedTests
{
    static readonly string Baseline = Path.Combine(MnistTestData.RepoRoot(), "tests", "baseline");

    /// <summary>The timing fields removed before hashing: the same rule as run-hashes.sh's sed.</summary>
    public static string StripTimings(string metrics) =>
        Regex.Replace(metrics, @",?""ms_per_(step|term)"":(\{[^}]*\}|[^,}]*)", "");

    static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Theory]
    [InlineData("supervised")]
    [InlineData("hard")]
    [InlineData("farcluss")]
    [InlineData("farcluss-reco")]
    public void The_smoke_run_gives_the_baselines_metrics_and_checkpoint_bytes(string variant)
    {
        string name = $"smoke-{variant}";
        var want = File.ReadAllLines(Path.Combine(Baseline, "hashes.txt"))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Single(f => f.Length == 3 && f[0] == name);
        using var dir = new TempDirectory();
        string run = Path.Combine(dir.Path, "run");
        var (code, _, stderr) = CliProcess.Run(dir.Path, 300, "train", "--preset", "smoke",
            "--config", Path.Combine(Baseline, "configs", name + ".json"), "--variant", variant, "--seed", "0", "--out", run);
        Assert.True(code == 0, stderr);

        string metrics = StripTimings(File.ReadAllText(Path.Combine(run, "metrics.jsonl")));
        Assert.Equal(want[1], Sha256(Encoding.UTF8.GetBytes(metrics)));
        Assert.Equal(want[2], Sha256(File.ReadAllBytes(Path.Combine(run, "checkpoint.bin"))));
    }

    [Fact]
    public void Stripping_timings_keeps_every_other_field()
    {
        const string line = """{"kind":"train","stats":{"step":5,"loss":2.5,"ms_per_step":199.3,"ms_per_term":{"teacher":1.5,"student":2}}}""";
        Assert.Equal("""{"kind":"train","stats":{"step":5,"loss":2.5}}""", StripTimings(line));
    }
}
