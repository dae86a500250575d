using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Farcluss.Tests.Data;

namespace Farcluss.Tests.Reliability;

/// <summary>
/// Issue 24, items 1 and 5: the ablation results stem (`ablate --out STEM`). Two ablations writing one stem at
/// once keep every row (each save merges under the stem's lock); `--out R2/` means R2/ablation, not a hidden
/// R2/.json; a table whose SHA-256 no longer matches its JSON is reported by `ablate --check` (exit 1, one line)
/// and by `ablate --table-only`.
/// </summary>
public class ResultsStemTests
{
    static string[] Ablate(string output, string only) =>
        ["ablate", "--preset", "smoke", "--config", "tiny.json", "--steps", "2", "--only", only, "--seeds", "0", "--device", "cpu", "--out", output];

    static TempDirectory WithTinyConfig()
    {
        var dir = new TempDirectory();
        File.WriteAllText(dir.File("tiny.json"), CliProcess.TinyConfig);
        return dir;
    }

    static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    static void AssertOk((int ExitCode, string Stdout, string Stderr) run) =>
        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}; stderr: {run.Stderr}");

    [Fact]
    public void TwoAblationsIntoOneStemAtOnceKeepEveryRow()
    {
        using var dir = WithTinyConfig();
        // Both start before either has saved: each read "no results yet" when it started.
        using var first = CliProcess.Start(dir.Path, Ablate("res/abl", "supervised"));
        using var second = CliProcess.Start(dir.Path, Ablate("res/abl", "hard"));
        var outputs = new[] { first, second }.Select(p => (Out: p.StandardOutput.ReadToEndAsync(), Err: p.StandardError.ReadToEndAsync())).ToArray();
        foreach (var (process, output) in new[] { first, second }.Zip(outputs))
        {
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(4)), "an ablation did not end");
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}; stderr: {output.Err.Result}");
        }
        var runs = JsonNode.Parse(File.ReadAllText(dir.File("res/abl.json")))!["runs"]!.AsArray();
        Assert.Equal(["hard", "supervised"], runs.Select(r => r!["variant"]!.GetValue<string>()).Order());
        // The table shows the JSON as it ended, whichever command saved last.
        Assert.Contains($"SHA-256 `{Sha256(dir.File("res/abl.json"))}`", File.ReadAllText(dir.File("res/abl.md")));
        var check = CliProcess.Run(dir.Path, 120, "ablate", "--out", "res/abl", "--check");
        AssertOk(check);
        Assert.Equal($"res/abl.md shows res/abl.json (2 runs, SHA-256 {Sha256(dir.File("res/abl.json"))})", check.Stdout.Trim());
    }

    [Fact]
    public void AStemEndingInASlashIsTheFoldersAblationAndAStaleTableIsReported()
    {
        using var dir = WithTinyConfig();
        AssertOk(CliProcess.Run(dir.Path, 180, Ablate("R2/", "supervised")));
        // Not the hidden R2/.json and R2/.md: the stem's lock file is the only hidden one.
        Assert.Equal([".ablation.lock", "ablation.json", "ablation.md"], Directory.GetFiles(dir.File("R2")).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // A JSON changed after its table (a hand edit here; a kill between the two writes does the same): stale.
        var json = dir.File("R2/ablation.json");
        var shown = Sha256(json);
        File.AppendAllText(json, "\n");
        var check = CliProcess.Run(dir.Path, 120, "ablate", "--out", "R2/", "--check");
        Assert.True(check.ExitCode == 1, $"exit code {check.ExitCode}; stderr: {check.Stderr}");
        Assert.Equal([$"error: R2/ablation.md: stale table: it shows SHA-256 {shown}, but ablation.json's is {Sha256(json)}; " +
                      "make it again with ablate --table-only"], CliProcess.ErrorLines(check.Stderr));

        var rewrite = CliProcess.Run(dir.Path, 120, "ablate", "--out", "R2/", "--table-only");
        AssertOk(rewrite);
        Assert.Contains($"(1 runs; it was stale: it showed SHA-256 {shown[..12]}…, ablation.json's is {Sha256(json)[..12]}…); trained nothing", rewrite.Stderr);
        AssertOk(CliProcess.Run(dir.Path, 120, "ablate", "--out", "R2/", "--check"));
        Assert.Contains("it was up to date", CliProcess.Run(dir.Path, 120, "ablate", "--out", "R2/", "--table-only").Stderr);
        // Reading, checking and rewriting left no lock or temporary file beside the results, only what a save leaves.
        Assert.Equal([".ablation.lock", "ablation.json", "ablation.md"], Directory.GetFiles(dir.File("R2")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
