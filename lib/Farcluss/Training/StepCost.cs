using System.Diagnostics;
using Farcluss.Config;

namespace Farcluss.Training;

/// <summary>What one variant's training step costs: the whole step and each part, in milliseconds (medians of blocks).</summary>
public sealed record VariantCost(string Variant, double MsPerStep, IReadOnlyDictionary<string, double> MsPerTerm);

/// <summary>
/// The measurement behind `farcluss bench` and lesson 08: trains each variant a few steps
/// with term profiling on, with no supervised warm-up and the ramp-up already over so every term runs
/// at full weight (a preset's warm-up would otherwise time supervised steps under every name), and
/// interleaves the variants block by block so that noise from a shared machine hits them alike.
/// Absolute times depend on the machine; compare the ratios.
/// </summary>
public static class StepCost
{
    public static IReadOnlyList<VariantCost> Measure(TrainingConfig baseConfig, TrainingData data, IReadOnlyList<string> variants,
        int warmupSteps = 2, int stepsPerBlock = 5, int blocks = 2, Action<string>? progress = null)
    {
        var config = baseConfig with { Steps = 1_000_000, LogEvery = 1_000_000 };
        var trainers = variants.ToDictionary(v => v, v => new Trainer(config with { Method = Variants.Get(v, config.Method) with { RampFraction = 0, WarmupFraction = 0 } }, data) { ProfileTerms = true });
        try
        {
            var stepMs = variants.ToDictionary(v => v, _ => new List<double>());
            var termTotals = variants.ToDictionary(v => v, _ => new Dictionary<string, double>());
            foreach (var v in variants) for (int i = 0; i < warmupSteps; i++) trainers[v].TrainStep();
            foreach (var v in variants) trainers[v].FlushStatsForBench(); // drop the warm-up's term times
            for (int b = 0; b < blocks; b++)
                foreach (var v in variants)
                {
                    var trainer = trainers[v];
                    trainer.OnStats = s => { foreach (var (term, ms) in s.MsPerTerm) termTotals[v][term] = termTotals[v].GetValueOrDefault(term) + ms; };
                    var clock = Stopwatch.StartNew();
                    for (int i = 0; i < stepsPerBlock; i++) trainer.TrainStep();
                    stepMs[v].Add(clock.Elapsed.TotalMilliseconds / stepsPerBlock);
                    trainer.FlushStatsForBench();
                    trainer.OnStats = null;
                    progress?.Invoke($"block {b + 1}/{blocks}: {v} {stepMs[v][^1]:F0} ms/step");
                }
            return variants.Select(v => new VariantCost(v, Median(stepMs[v]),
                termTotals[v].ToDictionary(kv => kv.Key, kv => kv.Value / blocks))).ToList();
        }
        finally
        {
            foreach (var t in trainers.Values) t.Dispose();
        }
    }

    static double Median(List<double> values)
    {
        var sorted = values.OrderBy(x => x).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
