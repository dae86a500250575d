using System.CommandLine;
using Farcluss;
using Farcluss.Cli;
using Farcluss.Runtime;

// The `farcluss` command-line tool. Every command is a thin layer over the library.
NativeLibTorch.EnsureLoadable();
var root = new RootCommand(
    "FARCLUSS course kit: semi-supervised semantic segmentation with fuzzy pseudo-labels, uncertainty weighting, " +
    "class rebalancing and prototype contrast, on TorchSharp. Start with `farcluss compare`.")
{
    DataCommands.Create(),
    TrainCommands.Train(),
    TrainCommands.Eval(),
    TrainCommands.Compare(),
    TrainCommands.Ablate(),
    BenchCommand.Create(),
};
try
{
    // Our own handler below turns the kit's errors into one line; anything else is a bug and keeps its trace.
    return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (KitException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
