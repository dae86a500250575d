using System.CommandLine;
using System.Diagnostics;
using Farcluss.Config;
using Farcluss.Training;

namespace Farcluss.Cli;

/// <summary>
/// `farcluss bench`: times, in one process, the training step of each variant and each term, interleaving
/// the variants round by round so that machine noise hits them alike; prints ratios, never asserts on
/// absolute times (the machine is shared).
/// </summary>
static class BenchCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var steps = new Option<int>("--timed-steps") { Description = "Timed steps per variant per round.", DefaultValueFactory = _ => 10 };
        var rounds = new Option<int>("--rounds") { Description = "Rounds; variants alternate within each round.", DefaultValueFactory = _ => 3 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed steps per variant first.", DefaultValueFactory = _ => 3 };
        var command = new Command("bench",
            "Time the step of supervised, hard, farcluss and farcluss-reco and each loss term in one run; print `ratio <name>: <value>` lines " +
            "and the process's peak RSS.");
        common.AddTo(command);
        command.Options.Add(steps);
        command.Options.Add(rounds);
        command.Options.Add(warmup);
        command.SetAction(result =>
        {
            var baseConfig = common.Build(result);
            // A long horizon so the ramp-up is over during timing: every term runs at full weight.
            baseConfig = baseConfig with { Steps = 1_000_000, LogEvery = 1_000_000, Method = baseConfig.Method with { RampFraction = 0 } };
            var data = TrainCommands.LoadData(baseConfig);
            long rssStart = Process.GetCurrentProcess().WorkingSet64;
            var names = new[] { "supervised", "hard", "farcluss", "farcluss-reco" };
            var trainers = names.ToDictionary(n => n, n => new Trainer(baseConfig with { Method = Variants.Get(n, baseConfig.Method) }, data) { ProfileTerms = true });
            var stepMs = names.ToDictionary(n => n, _ => new List<double>());
            var termMs = names.ToDictionary(n => n, _ => new Dictionary<string, double>());
            foreach (var n in names)
            {
                for (int i = 0; i < result.GetValue(warmup); i++) trainers[n].TrainStep();
                trainers[n].FlushStatsForBench(); // warm-up times are not counted
            }
            int timed = result.GetValue(steps);
            for (int r = 0; r < result.GetValue(rounds); r++)
                foreach (var n in names)
                {
                    var t = trainers[n];
                    t.OnStats = s => { foreach (var (k, v) in s.MsPerTerm) termMs[n][k] = termMs[n].GetValueOrDefault(k) + v * timed; };
                    var sw = Stopwatch.StartNew();
                    for (int i = 0; i < timed; i++) t.TrainStep();
                    stepMs[n].Add(sw.Elapsed.TotalMilliseconds / timed);
                    t.FlushStatsForBench();
                    Console.Error.WriteLine($"round {r + 1}: {n,-14} {stepMs[n][^1],7:F1} ms/step");
                }
            int totalSteps = timed * result.GetValue(rounds);
            double Median(List<double> v) { var s = v.OrderBy(x => x).ToArray(); return s[s.Length / 2]; }
            Console.WriteLine($"batch {baseConfig.LabeledBatch} labeled + {baseConfig.UnlabeledBatch} unlabeled, " +
                              $"{data.Labeled.Height}×{data.Labeled.Width} px, {totalSteps} timed steps per variant (median of {result.GetValue(rounds)} rounds)");
            foreach (var n in names)
            {
                var terms = string.Join(", ", termMs[n].OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value / totalSteps:F1}"));
                Console.WriteLine($"step {n}: {Median(stepMs[n]):F1} ms  ({terms})");
            }
            double farclussStep = Median(stepMs["farcluss"]), hardStep = Median(stepMs["hard"]);
            double prototype = termMs["farcluss"].GetValueOrDefault("contrast") / totalSteps;
            double reco = termMs["farcluss-reco"].GetValueOrDefault("contrast") / totalSteps;
            Console.WriteLine($"ratio farcluss_step/hard_step: {farclussStep / hardStep:F3}");
            Console.WriteLine($"ratio prototype_term/farcluss_step: {prototype / farclussStep:F4}");
            Console.WriteLine($"ratio reco_term/prototype_term: {reco / prototype:F1}");
            Console.WriteLine($"rss start: {rssStart / 1e6:F0} MB, end: {Process.GetCurrentProcess().WorkingSet64 / 1e6:F0} MB, " +
                              $"peak: {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB");
            foreach (var t in trainers.Values) t.Dispose();
            return 0;
        });
        return command;
    }
}
