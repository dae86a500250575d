using Farcluss.Config;
using Farcluss.Runtime;
using Farcluss.Tests.Data;

namespace Farcluss.Tests.Runtime;

/// <summary>What the numerics check's verdict is keyed by, and what shapes it replays (no torch needed).</summary>
public class NumericsKeyTests
{
    static readonly CpuInfo Epyc = new("AuthenticAMD", "AMD EPYC", "26", "2", "1", "sse4_1 avx2 avx512f avx512_bf16");

    [Fact]
    public void The_key_changes_with_the_cpu_the_libraries_the_threads_the_isa_cap_and_the_shape_and_nothing_else()
    {
        string Key(CpuInfo cpu, string libtorch = "2.10.0", string torchSharp = "0.107.0.0", int threads = 2, string? cap = null, string shape = "s") =>
            cpu.Key(libtorch, torchSharp, threads, cap, shape);
        var key = Key(Epyc);
        Assert.Equal(key, Key(Epyc with { }));
        Assert.Equal(64, key.Length); // hex SHA-256
        Assert.NotEqual(key, Key(Epyc with { Flags = "sse4_1 avx2 avx512f" }));
        Assert.NotEqual(key, Key(Epyc with { Model = "17" }));
        Assert.NotEqual(key, Key(Epyc with { Stepping = "2" }));
        Assert.NotEqual(key, Key(Epyc, libtorch: "2.11.0"));
        Assert.NotEqual(key, Key(Epyc, torchSharp: "0.108.0.0"));
        Assert.NotEqual(key, Key(Epyc, threads: 1));
        Assert.NotEqual(key, Key(Epyc, cap: "AVX2"));
        Assert.NotEqual(key, Key(Epyc, shape: "t"));
    }

    [Fact]
    public void A_cached_verdict_is_found_under_its_key_only_and_a_broken_cache_is_ignored()
    {
        using var dir = new TempDirectory();
        var cache = new NumericsCache(dir.File("sub/numerics.json"));
        var verdict = new NumericsVerdict { Path = NumericPath.OneDnnOff, Description = "off", Cpu = "AMD EPYC", Libtorch = "2.10.0", Shape = "s" };
        cache.Save("k1", verdict);
        Assert.Equal(NumericPath.OneDnnOff, cache.Find("k1")!.Path);
        Assert.Null(cache.Find("k2"));
        File.WriteAllText(cache.FilePath, "{ not json");
        Assert.Null(cache.Find("k1"));
        cache.Save("k2", verdict); // a broken file is replaced, not an error
        Assert.NotNull(cache.Find("k2"));
    }

    [Fact]
    public void The_workshop_preset_replays_the_students_teachers_and_evaluations_batches_with_the_head()
    {
        var shape = NumericsShape.Of(Presets.Workshop, 11, 1);
        // 8 labeled + 8 unlabeled after the warm-up, 8 labeled during it; the teacher sees the 8 unlabeled; evaluation 64.
        Assert.Equal((64, 16, 8, 8, 64, 64), (shape.Side, shape.TrainBatch, shape.WarmupBatch, shape.TeacherBatch, shape.EvalBatch, shape.ProjectionDim));
        Assert.Equal("compact width 16, 1 -> 11 classes, 64x64; student 16 (warm-up 8), teacher 8, eval 64; head 64", shape.ToString());
        var supervised = NumericsShape.Of(Presets.Workshop with { Method = Variants.Get("supervised") }, 11, 1);
        Assert.Equal((8, 0, 0, 0), (supervised.TrainBatch, supervised.WarmupBatch, supervised.TeacherBatch, supervised.ProjectionDim));
    }

    [Fact]
    public void A_large_input_is_checked_at_a_smaller_batch()
    {
        // 321×321 crops: at most 64·96² = 589 824 pixels a pass, so 589 824 / 103 041 = 5 images.
        var shape = NumericsShape.Of(Presets.GpuVoc, 21, 3);
        Assert.Equal((321, 5, 5, 5), (shape.Side, shape.TrainBatch, shape.TeacherBatch, shape.EvalBatch));
    }

    [Fact]
    public void A_runs_config_json_with_its_numerics_record_reads_back_as_the_same_config()
    {
        var verdict = new NumericsVerdict { Path = NumericPath.Default, Description = "oneDNN (the default)", Cpu = "AMD EPYC", Libtorch = "2.10.0", Shape = "s" };
        var json = ConfigFile.ToJson(Presets.Smoke, verdict);
        Assert.Contains("\"numerics\": {", json);
        Assert.Equal(ConfigFile.ToJson(Presets.Smoke), ConfigFile.ToJson(ConfigFile.Parse(json, Presets.Workshop, "config.json")));
    }
}
