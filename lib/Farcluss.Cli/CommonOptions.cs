using System.CommandLine;
using Farcluss;
using Farcluss.Config;

namespace Farcluss.Cli;

/// <summary>Options shared by the training commands, and how they turn into a <see cref="TrainingConfig"/>.</summary>
sealed class CommonOptions
{
    public readonly Option<string> Preset = new("--preset")
    {
        Description = "Named configuration: workshop (CPU, minutes), smoke (seconds, for CI), gpu-voc, gpu-voc-blended, gpu-cityscapes (ResNet-101, one GPU: docs/full-scale.md).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("FARCLUSS_SMOKE") == "1" ? "smoke" : "workshop",
    };
    public readonly Option<FileInfo?> Config = new("--config")
    {
        Description = "JSON file (snake_case keys) laid over the preset; an unknown key is an error. See configs/ for examples.",
    };
    public readonly Option<int?> Steps = new("--steps") { Description = "Override the number of optimizer steps." };
    public readonly Option<string?> Device = new("--device")
    {
        Description = "auto (CUDA when present, else CPU), cpu or cuda. Default: the config's device (auto unless the preset or --config says otherwise).",
    };
    public readonly Option<string?> DataRoot = new("--data")
    {
        Description = "Folder with the MNIST IDX files (default: $FARCLUSS_DATA/mnist or data/mnist in the repository), or the VOC/Cityscapes root for the gpu-* presets (default: data/voc, data/cityscapes).",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Preset);
        command.Options.Add(Config);
        command.Options.Add(Steps);
        command.Options.Add(Device);
        command.Options.Add(DataRoot);
    }

    /// <summary>The preset, the --config file, the overrides, then <paramref name="lay"/> (a variant and seed) laid over
    /// them; validated once, before any data is read or anything is written.</summary>
    public TrainingConfig Build(ParseResult result, Func<TrainingConfig, TrainingConfig>? lay = null)
    {
        var config = Presets.Get(result.GetValue(Preset)!);
        var file = result.GetValue(Config);
        if (file is not null) config = ConfigFile.Load(file.FullName, config);
        if (result.GetValue(Steps) is int steps) config = config with { Steps = steps };
        if (result.GetValue(Device) is string device) config = config with { Device = device };
        if (result.GetValue(DataRoot) is string root) config = config with { Data = config.Data with { Root = root } };
        if (lay is not null) config = lay(config);
        // Before any data is read or anything is written: --steps 0 or a bad --device end here, in a second.
        config.ValidateBeforeData();
        RequireDevice(config, result.GetValue(Device) is null ? file?.FullName : null);
        return config;
    }

    /// <summary>A device that is not there (cuda on a machine without a GPU) is refused here, before the data
    /// loads; <paramref name="source"/> is the config file when the device came from it.</summary>
    static void RequireDevice(TrainingConfig config, string? source)
    {
        if (!string.Equals(config.Device, "cuda", StringComparison.OrdinalIgnoreCase)) return;
        try { Farcluss.Runtime.DeviceChoice.Resolve(config.Device); }
        catch (KitException e) when (source is not null) { throw new KitException(e.Message, source, e); }
    }

    public static string RepositoryRoot =>
        Environment.GetEnvironmentVariable("FARCLUSS_HOME") is { Length: > 0 } home ? home : Directory.GetCurrentDirectory();
}
