using System.Diagnostics;
using Farcluss;
using Farcluss.Config;
using Farcluss.Training;

namespace Farcluss.Cli;

/// <summary>What the training commands share: the data a config names, loaded (MNIST fetched on first use), and a results report's heading.</summary>
static class RunData
{
    public static TrainingData Load(TrainingConfig config)
    {
        // The main job sets itself up: MNIST is fetched (and hash-checked) on first use of the default folder.
        if (config.Data.Kind == "m2nist-lt" && config.Data.Root is null && !Farcluss.Data.MnistFiles.TryLocate(Farcluss.Data.MnistFiles.DefaultDirectory(), out _))
        {
            int code = DataCommands.RunFetchScript();
            if (code != 0) throw new KitException($"fetching MNIST failed (exit code {code}); see the messages above");
        }
        var clock = Stopwatch.StartNew();
        var data = TrainingData.Load(config.Data);
        Console.Error.WriteLine($"data: {config.Data.Kind}, {data.Labeled.Count} labeled, {data.Unlabeled?.Count ?? 0} unlabeled, " +
                                $"{data.Validation?.Count ?? 0} validation, {data.Test.Count} test ({clock.ElapsedMilliseconds} ms)");
        return data;
    }

    public static AblationReport NewReport(TrainingConfig config, TrainingData data, string preset) => new()
    {
        Command = "./farcluss " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
        Preset = preset,
        ClassNames = data.ClassNames.ToArray(),
        RarestClasses = data.RarestClasses(3),
    };
}
