using System.CommandLine;
using System.Diagnostics;
using Farcluss.Config;
using Farcluss.Runtime;
using Spectre.Console;
using static TorchSharp.torch;

namespace Farcluss.Cli;

/// <summary>
/// `farcluss doctor`: the numerics check, shown whole. Prints the CPU, the instruction set oneDNN uses, and for
/// each candidate path (oneDNN as configured, oneDNN capped at AVX2 and at SSE4.1, oneDNN off) its verdict and
/// speed on the run's own shapes, each measured in a fresh process (<see cref="NumericsProbe"/>: an ISA cap works only
/// before oneDNN first runs, and a faulty path may kill its process); then the path `train` uses here. docs/numerics.md explains the fault and the paths.
/// </summary>
static class DoctorCommand
{

    /// <summary>The candidates: (name, ISA cap to export, in-process path).</summary>
    static readonly (string Name, string? Cap, string Path)[] Candidates =
    [
        ("oneDNN, as configured", null, NumericPath.Default),
        ("oneDNN capped at AVX2", "AVX2", NumericPath.Default),
        ("oneDNN capped at SSE4.1", "SSE41", NumericPath.Default),
        ("oneDNN off", null, NumericPath.OneDnnOff),
    ];

    public static Command Create()
    {
        var common = new CommonOptions();
        var variant = new Option<string>("--variant")
        {
            Description = "Variant whose passes are checked (the projection head and the teacher's batch depend on it).",
            DefaultValueFactory = _ => "farcluss",
        };
        var child = new Option<string?>("--child") { Hidden = true };
        var command = new Command("doctor",
            "Check this machine's numerics for the preset's (or --config's) model: the CPU, oneDNN's instruction set, each numeric " +
            "path's verdict and speed, and the path training will use (docs/numerics.md).");
        common.AddTo(command);
        command.Options.Add(variant);
        command.Options.Add(child);
        command.SetAction(result =>
        {
            var basis = common.Build(result);
            var config = basis with { Method = Variants.Get(result.GetValue(variant)!, basis.Method) };
            var shape = NumericsShape.Of(config, ConfigFile.ClassCountOf(config.Data) ?? 2, ConfigFile.ChannelCountOf(config.Data));
            if (config.Threads > 0) set_num_threads(config.Threads);
            return result.GetValue(child) is string which ? Child(which, shape) : Report(shape, config);
        });
        return command;
    }

    /// <summary>The hidden `numerics-probe` command a check runs in a child process (<see cref="NumericsProbe"/>).</summary>
    public static Command Probe()
    {
        var path = new Option<string>("--path") { Required = true };
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => 0 };
        var command = new Command(NumericsProbe.Command, "Internal: one numeric path checked for a shape read on stdin (docs/numerics.md).")
            { Hidden = true };
        command.Options.Add(path);
        command.Options.Add(threads);
        command.SetAction(result => NumericsProbe.Child(result.GetValue(path)!, result.GetValue(threads), Console.In, Console.Out));
        return command;
    }

    static int Report(NumericsShape shape, TrainingConfig config)
    {
        var cpu = CpuInfo.Read();
        Console.WriteLine($"CPU:        {cpu} ({cpu.Vendor}), {Environment.ProcessorCount} cores");
        Console.WriteLine($"ISA flags:  {cpu.IsaSummary()}");
        Console.WriteLine($"libtorch:   {KitLibTorch.PinnedCpuPackageVersion} (TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}), " +
                          $"{get_num_threads()} threads, ISA cap in the environment: {NumericPath.IsaCap ?? "none"}");
        Console.WriteLine($"oneDNN:     {OneDnnIsa(NumericPath.IsaCap)}");
        Console.WriteLine($"shape:      {shape}");
        Console.WriteLine($"tolerance:  finite, bitwise identical in {NumericsCheck.Repeats} repeats, within {NumericsCheck.Tolerance:0e0} of float64");
        Console.WriteLine();
        var table = new Table().AddColumns("path", "verdict", "max rel. error", "ms / repeat", "vs default");
        double? baseline = null;
        foreach (var (name, cap, path) in Candidates)
        {
            var environment = new Dictionary<string, string?> { ["DNNL_MAX_CPU_ISA"] = cap ?? NumericPath.IsaCap, ["ONEDNN_MAX_CPU_ISA"] = null };
            var verdict = NumericsProbe.Run(shape, path, get_num_threads(), environment)!;
            if (verdict.MsPerRepeat > 0) baseline ??= verdict.MsPerRepeat;
            table.AddRow(name, Markup.Escape(verdict.Passed ? "ok" : verdict.Reason),
                double.IsNaN(verdict.MaxRelativeError) ? "–" : verdict.MaxRelativeError.ToString("0.0e0"),
                verdict.MsPerRepeat > 0 ? verdict.MsPerRepeat.ToString("F0") : "–",
                verdict.MsPerRepeat > 0 && baseline is double b ? (verdict.MsPerRepeat / b).ToString("F2") + "×" : "–");
        }
        AnsiConsole.Console.Profile.Width = Math.Max(AnsiConsole.Console.Profile.Width, 100);
        AnsiConsole.Write(table);
        // What train will do: the in-process check (its cache), exactly as the trainer calls it.
        NumericsCheck.Announce = _ => { };
        try
        {
            var chosen = NumericsCheck.Ensure(shape);
            Console.WriteLine($"training here uses: {chosen.Description}{(chosen.FromCache ? " (cached verdict)" : "")}");
            Console.WriteLine(chosen.Summary());
        }
        catch (KitException e) { Console.WriteLine($"training here: refused ({e.Message})"); }
        Console.WriteLine($"cache:      {NumericsCache.DefaultPath()}");
        if (NumericPath.IsaCap is null)
            Console.WriteLine("An ISA cap is used only when exported before the kit starts (export DNNL_MAX_CPU_ISA=AVX2); the check then verifies it.");
        return 0;
    }

    /// <summary>The instruction set oneDNN reports (ONEDNN_VERBOSE=dispatch in a fresh process running one convolution).</summary>
    static string OneDnnIsa(string? cap)
    {
        var info = ChildStart(["--child", "isa"]);
        info.Environment["ONEDNN_VERBOSE"] = "dispatch";
        var (_, stdout, _) = Run(info);
        var line = stdout.Split('\n').FirstOrDefault(l => l.Contains(",isa:"));
        var version = stdout.Split('\n').FirstOrDefault(l => l.Contains("info,oneDNN v"));
        var isa = line is null ? "not reported" : line[(line.IndexOf(",isa:") + 5)..].Trim();
        var v = version is null ? "" : version[(version.IndexOf("oneDNN v") + 7)..].Split(' ')[0] + ", ";
        return $"{v}{isa}{(cap is null ? "" : $" (capped by DNNL_MAX_CPU_ISA={cap})")}";
    }

    /// <summary>The child's side of <see cref="OneDnnIsa"/>: one convolution, for oneDNN's verbose lines.</summary>
    static int Child(string which, NumericsShape shape)
    {
        if (which != "isa") throw new KitException($"doctor --child takes isa, got '{which}'");
        NumericPath.QuietNnpack();
        using var conv = nn.Conv2d(16, 16, 3); // large enough that libtorch gives it to oneDNN
        using var y = conv.call(ones(8, 16, 64, 64));
        return 0;
    }

    static ProcessStartInfo ChildStart(string[] extra)
    {
        var args = Environment.GetCommandLineArgs().Skip(1).ToList();
        var info = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") info.ArgumentList.Add(typeof(DoctorCommand).Assembly.Location);
        foreach (var a in args.Concat(extra)) info.ArgumentList.Add(a);
        return info;
    }

    static (int Code, string Stdout, string Stderr) Run(ProcessStartInfo info)
    {
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.Result);
    }
}
