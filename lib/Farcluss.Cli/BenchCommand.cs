using System.CommandLine;
using System.Diagnostics;
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
        var rounds_ = new Option<int>("--rounds") { Description = "Rounds; variants alternate within each round.", DefaultValueFactory = _ => 3 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed steps per variant first.", DefaultValueFactory = _ => 3 };
        var command = new Command("bench",
            "Time the step of supervised, hard, farcluss and farcluss-reco and each loss term in one run; print `ratio <name>: <value>` lines " +
            "and the process's peak RSS.");
        common.AddTo(command);
        command.Options.Add(steps);
        command.Options.Add(rounds_);
        command.Options.Add(warmup);
        command.SetAction(result =>
        {
            var baseConfig = common.Build(result);
            var data = RunData.Load(baseConfig);
            long rssStart = Process.GetCurrentProcess().WorkingSet64;
            var names = new[] { "supervised", "hard", "farcluss", "farcluss-reco" };
            int rounds = result.GetValue(rounds_), timed = result.GetValue(steps);
            var costs = StepCost.Measure(baseConfig, data, names, result.GetValue(warmup), timed, rounds, Console.Error.WriteLine)
                .ToDictionary(c => c.Variant);
            Console.WriteLine($"batch {baseConfig.LabeledBatch} labeled + {baseConfig.UnlabeledBatch} unlabeled, " +
                              $"{data.Labeled.Height}×{data.Labeled.Width} px, {timed * rounds} timed steps per variant (median of {rounds} rounds)");
            foreach (var c in costs.Values)
            {
                var terms = string.Join(", ", c.MsPerTerm.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value:F1}"));
                Console.WriteLine($"step {c.Variant}: {c.MsPerStep:F1} ms  ({terms})");
            }
            double farclussStep = costs["farcluss"].MsPerStep, hardStep = costs["hard"].MsPerStep;
            double prototype = costs["farcluss"].MsPerTerm.GetValueOrDefault("contrast");
            double reco = costs["farcluss-reco"].MsPerTerm.GetValueOrDefault("contrast");
            Console.WriteLine($"ratio farcluss_step/hard_step: {farclussStep / hardStep:F3}");
            Console.WriteLine($"ratio prototype_term/farcluss_step: {prototype / farclussStep:F4}");
            Console.WriteLine($"ratio reco_term/prototype_term: {reco / prototype:F1}");
            Console.WriteLine($"rss start: {rssStart / 1e6:F0} MB, end: {Process.GetCurrentProcess().WorkingSet64 / 1e6:F0} MB, " +
                              $"peak: {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB");
            return 0;
        });
        return command;
    }
}
