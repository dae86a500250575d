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
    TrainCommand.Create(),
    EvalCommand.Create(),
    CompareCommand.Create(),
    AblateCommand.Create(),
    BenchCommand.Create(),
    DoctorCommand.Create(),
    DoctorCommand.Probe(),
    ProseCommand.Create(),
};
try
{
    // Without this, System.CommandLine catches every exception itself and prints its stack trace.
    return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (KitException e)
{
    // Bad input (a file, a setting, a checkpoint): one line naming the file and the problem, of bounded length.
    Console.Error.WriteLine($"error: {Echo.Line(e.Message)}");
    return 1;
}
catch (Exception e) when (MemoryFailure.Is(e) && Environment.GetEnvironmentVariable("FARCLUSS_DEBUG") != "1")
{
    // The machine (or a limit such as `ulimit -v`) refused an allocation the budgets did not foresee: the user's
    // to fix, so exit 1, with the size asked for instead of libtorch's C++ trace.
    Console.Error.WriteLine($"error: {MemoryFailure.Describe(e)}; use smaller images, crops, canvases or batches, or a machine " +
                            "with more free memory (set FARCLUSS_DEBUG=1 for the stack trace)");
    return 1;
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException && Environment.GetEnvironmentVariable("FARCLUSS_DEBUG") != "1")
{
    // The machine refused a read or write the user's setup decides (a full disk, a read-only folder, a file
    // in use): the user's to fix, so exit 1; .NET's message names the path.
    Console.Error.WriteLine($"error: {Echo.Line(e.Message)}");
    return 1;
}
catch (Exception e) when (Environment.GetEnvironmentVariable("FARCLUSS_DEBUG") != "1")
{
    // A bug of the kit, not of the input: still one line, with the way to get the whole trace.
    Console.Error.WriteLine($"error: unexpected {e.GetType().Name}: {Echo.Line(e.Message)} (set FARCLUSS_DEBUG=1 for the stack trace)");
    return 2;
}
