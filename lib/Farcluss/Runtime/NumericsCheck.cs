using System.Diagnostics;
using System.Text.Json;
using Farcluss.Models;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Farcluss.Runtime;

/// <summary>
/// The kit checks its own numerics before it trains. On some CPUs libtorch 2.10.0's oneDNN returns non-finite,
/// non-repeatable convolutions at some channel counts (AMD EPYC family 26 at widths 20 and 24: docs/numerics.md),
/// and nothing above libtorch can see it until a loss is NaN. So before a trainer is built the run's own passes
/// (<see cref="NumericsShape"/>) are computed on a fixed random batch, <see cref="Repeats"/> times, and must be
/// finite, bitwise identical in every repeat, and within <see cref="Tolerance"/> of the same passes in float64
/// (which libtorch computes without oneDNN). The first path that passes, fastest first
/// (<see cref="NumericPath.CpuPaths"/>), becomes the process's path; if none passes, nothing is trained.
/// The verdict is remembered per CPU, libtorch version, threads and shape (<see cref="NumericsCache"/>), so the
/// check costs seconds once per machine, not every run. <c>./farcluss doctor</c> prints it. Taught in notebook 00.
/// </summary>
public static class NumericsCheck
{
    /// <summary>Repeats of the float32 passes on a path (the fault showed within fewer than 5 in the probe).</summary>
    public const int Repeats = 4;

    /// <summary>
    /// Largest relative L2 distance ‖x − x₆₄‖ / ‖x₆₄‖ from float64 accepted for any output (logits, loss,
    /// gradients). Sound float32 paths measured on the AMD EPYC family-26 host: the compact model below 2e-6 at widths
    /// 16–40, ResNet-50 1.9e-4 (deeper: rounding adds up); the faulty path's one finite output was off by 4.6e-3 (docs/numerics.md).
    /// </summary>
    public const double Tolerance = 1e-3;

    /// <summary>
    /// Test-only fault injection, so that a CPU without the fault can prove the fallback: a comma-separated list
    /// of <c>path:kind</c>, kind one of nonfinite, nonrepeatable, mismatch (e.g. <c>default:nonfinite</c>).
    /// </summary>
    public const string FaultVariable = "FARCLUSS_TEST_NUMERICS_FAULT";

    /// <summary>Where the check says what it chose (a fallback, or a first check); the CLI's stderr by default.</summary>
    public static Action<string> Announce { get; set; } = line => Console.Error.WriteLine(line);

    static readonly object Gate = new();
    static readonly Dictionary<string, NumericsVerdict> Memo = new();

    /// <summary>
    /// The verdict for <paramref name="shape"/> on this machine, from this process's memory, the cache file, or a
    /// check; its path becomes the process's. Throws <see cref="KitException"/> when no path passes.
    /// </summary>
    public static NumericsVerdict Ensure(NumericsShape shape, string? cacheFile = null)
    {
        lock (Gate)
        {
            NativeLibTorch.EnsureLoadable();
            var cpu = CpuInfo.Read();
            var faults = Environment.GetEnvironmentVariable(FaultVariable) ?? "";
            // The path the process starts from is part of the key: a process already off checks (and caches) only oneDNN off.
            var key = cpu.Key(KitLibTorch.PinnedCpuPackageVersion, TorchSharpVersion, get_num_threads(), NumericPath.IsaCap,
                              ShapeKey(shape) + $"\nfrom {NumericPath.Current}" + (faults.Length > 0 ? $"\nfaults {faults}" : ""));
            var cache = new NumericsCache(cacheFile ?? NumericsCache.DefaultPath());
            if (Memo.TryGetValue(key, out var known) || (known = cache.Find(key)) is not null)
            {
                bool switching = known.Path != NumericPath.Current;
                if (switching) NumericPath.Use(known.Path);
                var usable = known with { FromCache = true };
                if (switching) Announce(usable.Summary());
                Memo[key] = usable;
                return usable;
            }
            var verdict = Check(shape, cpu, ParseFaults(faults));
            Memo[key] = verdict;
            cache.Save(key, verdict);
            Announce(verdict.Summary());
            return verdict;
        }
    }

    /// <summary>
    /// Checks the paths in order from the process's current one (once oneDNN is off in a process it stays off)
    /// and switches to the first that passes. Throws <see cref="KitException"/> when none does, with the path unchanged.
    /// </summary>
    static NumericsVerdict Check(NumericsShape shape, CpuInfo cpu, IReadOnlyDictionary<string, string> faults)
    {
        NumericPath.QuietNnpack();
        var clock = Stopwatch.StartNew();
        var start = NumericPath.Current;
        IReadOnlyList<Tensor>? reference = null;
        var checkedPaths = new List<PathVerdict>();
        try
        {
            foreach (var path in NumericPath.CpuPaths.SkipWhile(p => p != start))
            {
                // oneDNN is tried in a child process when the CLI is at hand: on a faulty CPU it can kill the process (SIGFPE).
                var result = path == NumericPath.Default && NumericsProbe.Run(shape, path, get_num_threads()) is { } probed ? probed : null;
                if (result is null)
                {
                    NumericPath.Use(path);
                    reference ??= Compute(shape, ScalarType.Float64, out _, reference: true);
                    result = CheckPath(shape, path, reference, faults.GetValueOrDefault(path));
                }
                checkedPaths.Add(result);
                if (!result.Passed) continue;
                NumericPath.Use(path);
                return new NumericsVerdict
                {
                    Path = path, Description = NumericPath.Describe(path), Cpu = cpu.ToString(), CpuIsa = cpu.IsaSummary(),
                    Libtorch = KitLibTorch.PinnedCpuPackageVersion, IsaCap = NumericPath.IsaCap, Threads = get_num_threads(),
                    Shape = shape.ToString(), Checked = checkedPaths, Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1), CheckedAt = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
                };
            }
        }
        finally { foreach (var r in reference ?? []) r.Dispose(); }
        NumericPath.Use(start);
        throw new KitException(
            $"numerics check: no CPU path computes this model right on {cpu} ({shape}): " +
            string.Join("; ", checkedPaths.Select(c => $"{NumericPath.Describe(c.Path)}: {c.Reason}")) +
            ". Nothing was trained. Try a width that is a multiple of 16, and see ./farcluss doctor and docs/numerics.md");
    }

    /// <summary>One path: <see cref="Repeats"/> float32 repeats against the float64 reference.</summary>
    public static PathVerdict CheckPath(NumericsShape shape, string path, IReadOnlyList<Tensor> reference, string? fault = null)
    {
        var times = new List<double>();
        IReadOnlyList<Tensor>? first = null;
        int nonFinite = 0, distinct = 1;
        double maxError = 0;
        var all = new List<Tensor>();
        try
        {
            for (int r = 0; r < Repeats; r++)
            {
                var outputs = Compute(shape, ScalarType.Float32, out double ms);
                all.AddRange(outputs);
                times.Add(ms);
                outputs = Inject(outputs, fault, r, all);
                bool finite = outputs.All(o => o.isfinite().all().item<bool>());
                if (!finite) nonFinite++;
                if (first is null) first = outputs;
                else if (!outputs.Zip(first).All(p => p.First.eq(p.Second).all().item<bool>())) distinct++; // counts repeats unlike the first
                if (finite) maxError = Math.Max(maxError, outputs.Zip(reference).Max(p => RelativeError(p.First, p.Second)));
            }
        }
        finally { foreach (var t in all) t.Dispose(); }
        times.Sort();
        double median = times[times.Count / 2];
        string reason = nonFinite > 0 ? $"non-finite in {nonFinite} of {Repeats} repeats"
            : distinct > 1 ? $"{distinct} different results in {Repeats} repeats"
            : maxError > Tolerance ? $"off by {maxError:0.0e0} from float64 (tolerance {Tolerance:0e0})"
            : "ok";
        return new PathVerdict(path, reason == "ok", reason, Repeats, nonFinite, distinct, nonFinite > 0 ? double.NaN : maxError, Math.Round(median, 1));
    }

    /// <summary>
    /// The run's passes on one fixed batch, as flat float64 tensors: eval-mode logits at the teacher's and the
    /// evaluation's batch; for the student's batch (and the warm-up's) train-mode logits, then the loss and every
    /// gradient. The gradients are taken with BatchNorm on its initial statistics (eval mode): the convolutions'
    /// backward kernels are the same as in train mode, while batch statistics of random data at initialisation
    /// make the gradient ill-conditioned (sound float32 paths then differ from float64 by up to 1e-3 at random,
    /// against ~1e-6 with fixed statistics). Each model is built from the same seed, so every call computes the same thing.
    /// </summary>
    public static IReadOnlyList<Tensor> Compute(NumericsShape shape, ScalarType dtype, out double milliseconds, bool reference = false)
    {
        NumericPath.QuietNnpack();
        using var scope = NewDisposeScope();
        var data = new Generator(20_261_205);
        int most = new[] { shape.TrainBatch, shape.WarmupBatch, shape.TeacherBatch, shape.EvalBatch }.Max();
        var images = randn(new long[] { most, shape.Model.InChannels, shape.Side, shape.Side }, generator: data).to(dtype);
        var labels = randint(0, shape.Model.NumClasses, new long[] { most, shape.Side, shape.Side }, generator: data);
        var outputs = new List<Tensor>();
        var clock = Stopwatch.StartNew();
        using (var model = Build(shape, dtype, out var unusedHead))
        using (no_grad())
        {
            unusedHead?.Dispose();
            model.eval();
            var evalBatches = new[] { shape.TeacherBatch, shape.EvalBatch }.Where(b => b > 0).Distinct().ToArray();
            // In eval mode every image is computed alone, so the reference needs only the smallest batch's images:
            // each float32 batch is compared on its first images (RelativeError), and the float64 pass stays cheap.
            var smallest = reference ? model.call(images[..evalBatches.Min()]).Logits.flatten() : null;
            foreach (int batch in evalBatches)
                outputs.Add(smallest?.clone() ?? model.call(images[..batch]).Logits.flatten());
        }
        foreach (int batch in new[] { shape.TrainBatch, shape.WarmupBatch }.Where(b => b > 0).Distinct())
        {
            using var model = Build(shape, dtype, out var head);
            model.eval();
            head?.eval();
            var output = model.call(images[..batch]);
            var loss = F.cross_entropy(output.Logits, labels[..batch]);
            if (head is not null) loss = loss + head.call(output.Features).select(1, 0).mean(); // a gradient through the head's normalisation
            loss.backward();
            outputs.Add(loss.reshape(1));
            outputs.Add(cat(model.parameters().Concat(head?.parameters() ?? []).Select(p => p.grad!.flatten()).ToArray()));
            model.train();
            using (no_grad()) outputs.Add(model.call(images[..batch]).Logits.flatten());
            head?.Dispose();
        }
        milliseconds = clock.Elapsed.TotalMilliseconds;
        return outputs.Select(o => o.detach().to(ScalarType.Float64).MoveToOuterDisposeScope()).ToList();
    }

    static SegmentationModel Build(NumericsShape shape, ScalarType dtype, out ProjectionHead? head)
    {
        var weights = new Generator(7);
        var model = ModelFactory.Create(shape.Model, weights);
        head = shape.ProjectionDim > 0 ? new ProjectionHead(model.FeatureChannels, shape.ProjectionDim, weights) : null;
        model.to(dtype);
        head?.to(dtype);
        return model;
    }

    /// <summary>‖value − reference‖ / ‖reference‖ over the reference's length (an eval batch is compared on its first images).</summary>
    static double RelativeError(Tensor value, Tensor reference)
    {
        using var head = value[..(int)reference.numel()];
        double norm = reference.norm().item<double>();
        using var difference = head - reference;
        return difference.norm().item<double>() / Math.Max(norm, 1e-30);
    }

    static IReadOnlyList<Tensor> Inject(IReadOnlyList<Tensor> outputs, string? fault, int repeat, List<Tensor> owned)
    {
        if (fault is null) return outputs;
        Tensor Changed(Tensor t)
        {
            var c = fault switch
            {
                "nonfinite" when repeat >= 1 => t.clone().index_fill_(0, tensor(new long[] { 0 }), double.NaN),
                "nonrepeatable" when repeat == 1 => t * (1 + 1e-6),
                "mismatch" => t * 1.01,
                _ => t,
            };
            if (!ReferenceEquals(c, t)) owned.Add(c);
            return c;
        }
        return [Changed(outputs[0]), .. outputs.Skip(1)];
    }

    /// <summary>Parses <see cref="FaultVariable"/>: "default:nonfinite,onednn-off:mismatch".</summary>
    public static IReadOnlyDictionary<string, string> ParseFaults(string text)
    {
        var faults = new Dictionary<string, string>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split(':');
            if (parts.Length != 2 || !NumericPath.CpuPaths.Contains(parts[0]) || parts[1] is not ("nonfinite" or "nonrepeatable" or "mismatch"))
                throw new KitException($"{FaultVariable}: '{item}' is not path:kind (paths {string.Join(", ", NumericPath.CpuPaths)}; kinds nonfinite, nonrepeatable, mismatch)");
            faults[parts[0]] = parts[1];
        }
        return faults;
    }

    /// <summary>What the verdict is keyed by, besides the machine: the shape and every model setting.</summary>
    public static string ShapeKey(NumericsShape shape) => shape + "\n" + JsonSerializer.Serialize(shape.Model);

    static string TorchSharpVersion => typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>The verdict on a CUDA device: oneDNN is not involved, nothing is checked.</summary>
    public static NumericsVerdict OnCuda(ModelSettings model) => new()
    {
        Path = NumericPath.Cuda, Description = NumericPath.Describe(NumericPath.Cuda), Cpu = CpuInfo.Read().ToString(),
        Libtorch = KitLibTorch.PinnedCpuPackageVersion, Shape = model.Kind, CheckedAt = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
    };

    /// <summary>Forgets this process's verdicts (tests).</summary>
    public static void ForgetForTests() { lock (Gate) Memo.Clear(); }
}
