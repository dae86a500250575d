using System.Text.Json.Nodes;
using Farcluss.Runtime;
using Farcluss.Tests.Data;

namespace Farcluss.Tests.Reliability;

/// <summary>
/// The numerics check (docs/numerics.md) seen as a user sees it: through the CLI, in a process of its own (the
/// check may switch oneDNN off for the whole process, which must not leak into the other tests). A CPU without
/// the convolution fault cannot show the real thing, so the fallback is proven by fault injection
/// (<see cref="NumericsCheck.FaultVariable"/>); the real convolutions are checked at widths 16, 20, 24 and 32 for
/// what must hold on every CPU.
/// </summary>
public class NumericsCheckTests
{
    static (int Exit, string Stderr, JsonObject? Numerics) Train(TempDirectory dir, string cache, string width, string? faults = null,
                                                                string? cpuinfo = null, string run = "run")
    {
        var env = new Dictionary<string, string> { [NumericsCache.PathVariable] = cache };
        if (faults is not null) env[NumericsCheck.FaultVariable] = faults;
        if (cpuinfo is not null) env[CpuInfo.TestFileVariable] = cpuinfo;
        File.WriteAllText(dir.File($"w{width}.json"), $$"""{ "model": { "width": {{width}} }, "threads": 2 }""");
        var (exit, _, stderr) = CliProcess.Run(dir.Path, 300, env, "train", "--preset", "smoke", "--config", $"w{width}.json",
            "--steps", "2", "--device", "cpu", "--out", run);
        var config = dir.File($"{run}/config.json");
        return (exit, stderr, File.Exists(config) ? JsonNode.Parse(File.ReadAllText(config))!["numerics"]!.AsObject() : null);
    }

    /// <summary>A CLI that refuses the probe (exit 1: here an unknown path; in the field a CLI built from other
    /// sources, which once cached "oneDNN failed" for every lesson on this machine) gives no verdict, so nothing is cached.</summary>
    [Fact]
    public void A_probe_the_cli_refuses_is_no_verdict()
    {
        var shape = NumericsShape.Of(Farcluss.Config.Presets.Smoke, 11, 1);
        Assert.NotNull(NumericsProbe.CliDll());
        Assert.Null(NumericsProbe.Run(shape, "no-such-path", 1));
    }

    static string NumericsLine(string stderr) =>
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("numerics: "));

    [Fact]
    public void A_default_path_that_goes_non_finite_falls_back_to_onednn_off_said_in_one_line_and_recorded()
    {
        using var dir = new TempDirectory();
        var (exit, stderr, numerics) = Train(dir, dir.File("cache.json"), "16", faults: "default:nonfinite");

        Assert.True(exit == 0, stderr);
        // Repeats 2–4 of the 4 are poisoned by the injection: "3 of 4".
        Assert.StartsWith("numerics: oneDNN (the default): non-finite in 3 of 4 repeats on ", NumericsLine(stderr));
        Assert.Contains("; using oneDNN off (libtorch's own convolution kernels) instead, measured ", NumericsLine(stderr));
        Assert.Equal("onednn-off", numerics!["path"]!.GetValue<string>());
        var tried = numerics["checked"]!.AsArray();
        Assert.Equal(["default", "onednn-off"], tried.Select(t => t!["path"]!.GetValue<string>()));
        Assert.Equal([false, true], tried.Select(t => t!["passed"]!.GetValue<bool>()));
        // metrics.jsonl starts with the same record, so a curve says how it was computed too.
        var first = JsonNode.Parse(File.ReadLines(dir.File("run/metrics.jsonl")).First())!;
        Assert.Equal("numerics", first["kind"]!.GetValue<string>());
        Assert.Equal("onednn-off", first["numerics"]!["path"]!.GetValue<string>());
    }

    [Fact]
    public void A_non_repeatable_default_path_is_refused_too()
    {
        using var dir = new TempDirectory();
        var (exit, stderr, numerics) = Train(dir, dir.File("cache.json"), "16", faults: "default:nonrepeatable");
        Assert.True(exit == 0, stderr);
        Assert.StartsWith("numerics: oneDNN (the default): 2 different results in 4 repeats on ", NumericsLine(stderr));
        Assert.Equal("onednn-off", numerics!["path"]!.GetValue<string>());
    }

    [Fact]
    public void With_no_passing_path_nothing_is_trained_and_one_error_line_says_why()
    {
        using var dir = new TempDirectory();
        var (exit, stderr, numerics) = Train(dir, dir.File("cache.json"), "16", faults: "default:nonfinite,onednn-off:mismatch");

        Assert.Equal(1, exit);
        var error = Assert.Single(CliProcess.ErrorLines(stderr));
        Assert.StartsWith("error: numerics check: no CPU path computes this model right on ", error);
        Assert.Contains("oneDNN (the default): non-finite in 3 of 4 repeats; oneDNN off (libtorch's own convolution kernels): off by 1.0e-2 from float64", error);
        Assert.EndsWith("Nothing was trained. Try a width that is a multiple of 16, and see ./farcluss doctor and docs/numerics.md", error);
        Assert.DoesNotContain("   at ", stderr);
        Assert.Null(numerics);
        Assert.False(File.Exists(dir.File("run/checkpoint.bin")));
        Assert.False(File.Exists(dir.File("run/metrics.jsonl")));
    }

    [Fact]
    public void A_verdict_is_reused_for_the_same_cpu_and_checked_again_for_another()
    {
        using var dir = new TempDirectory();
        var cache = dir.File("cache.json");
        string cpuA = dir.File("cpuinfo-a"), cpuB = dir.File("cpuinfo-b");
        File.WriteAllText(cpuA, "vendor_id\t: AuthenticAMD\ncpu family\t: 26\nmodel\t\t: 2\nmodel name\t: AMD EPYC\nstepping\t: 1\nflags\t\t: sse4_1 avx2 avx512f\n\n");
        File.WriteAllText(cpuB, File.ReadAllText(cpuA).Replace("avx512f", "avx512f avx512_bf16"));

        // First on CPU A: checked (the fallback is taken and cached under A's key).
        var first = Train(dir, cache, "16", faults: "default:nonfinite", cpuinfo: cpuA, run: "a1");
        Assert.Contains("(checked in ", NumericsLine(first.Stderr));
        // Again on A: the cached verdict, applied without checking (oneDNN off again).
        var again = Train(dir, cache, "16", faults: "default:nonfinite", cpuinfo: cpuA, run: "a2");
        Assert.Contains("(verdict cached for this CPU, libtorch and shape)", NumericsLine(again.Stderr));
        Assert.Equal("onednn-off", again.Numerics!["path"]!.GetValue<string>());
        Assert.True(again.Numerics["from_cache"]!.GetValue<bool>());
        // CPU B differs only in one flag: its own check.
        var other = Train(dir, cache, "16", faults: "default:nonfinite", cpuinfo: cpuB, run: "b1");
        Assert.Contains("(checked in ", NumericsLine(other.Stderr));
        Assert.Equal("AMD EPYC (cpu family 26, model 2)", other.Numerics!["cpu"]!.GetValue<string>());
        Assert.Equal(2, JsonNode.Parse(File.ReadAllText(cache))!.AsObject().Count);
    }

    /// <summary>
    /// Real convolutions, no injection: at the widths the fault was seen at (20, 24) and not (16, 32), the check's
    /// chosen path is finite, gives one result in every repeat and agrees with float64, and the run trains finite
    /// steps on it. On a CPU with the fault, 20 and 24 choose oneDNN off; elsewhere the default.
    /// </summary>
    [Theory]
    [InlineData("16")]
    [InlineData("20")]
    [InlineData("24")]
    [InlineData("32")]
    public void On_every_cpu_the_chosen_path_is_finite_and_repeatable(string width)
    {
        using var dir = new TempDirectory();
        var (exit, stderr, numerics) = Train(dir, dir.File("cache.json"), width);
        Assert.True(exit == 0, stderr);
        var path = numerics!["path"]!.GetValue<string>();
        var chosen = numerics["checked"]!.AsArray().Single(c => c!["path"]!.GetValue<string>() == path)!;
        Assert.True(chosen["passed"]!.GetValue<bool>());
        Assert.Equal(0, chosen["non_finite"]!.GetValue<int>());
        Assert.Equal(1, chosen["distinct"]!.GetValue<int>());
        Assert.InRange(chosen["max_relative_error"]!.GetValue<double>(), 0, NumericsCheck.Tolerance);
        Assert.DoesNotContain("loss is not finite", stderr);
    }
}
