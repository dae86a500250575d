using System.CommandLine;
using Farcluss;
using Farcluss.Evaluation;
using Farcluss.Runtime;
using Farcluss.Training;

namespace Farcluss.Cli;

/// <summary><c>farcluss eval</c>: a checkpoint's teacher on a split.</summary>
static class EvalCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<FileInfo>("--checkpoint") { Description = "A checkpoint.bin written by train.", Required = true };
        var split = new Option<string>("--split") { Description = "test or validation.", DefaultValueFactory = _ => "test" };
        var device = new Option<string>("--device") { Description = "auto, cpu or cuda.", DefaultValueFactory = _ => "auto" };
        var dataRoot = new Option<string?>("--data") { Description = "Folder with the MNIST IDX files." };
        var confusion = new Option<bool>("--confusion") { Description = "Also print the confusion matrix, each row (true class) as % of its pixels." };
        var command = new Command("eval", "Evaluate a checkpoint's teacher: mIoU and per-class IoU from one confusion matrix over the split.")
            { checkpoint, split, device, dataRoot, confusion };
        command.SetAction(result =>
        {
            var path = result.GetValue(checkpoint)!.FullName;
            var dev = DeviceChoice.Resolve(result.GetValue(device)!);
            var (model, header) = Checkpoint.LoadTeacher(path, dev);
            using var _ = model;
            var config = header.Config(path);
            if (result.GetValue(dataRoot) is string root) config = config with { Data = config.Data with { Root = root } };
            var data = RunData.Load(config);
            if (header.NumClasses != data.NumClasses || header.InChannels != data.Channels)
                throw new KitException($"checkpoint predicts {header.NumClasses} classes from {header.InChannels} channel(s), " +
                                       $"but the data has {data.NumClasses} classes and {data.Channels} channel(s)", path);
            var which = result.GetValue(split);
            var target = which switch
            {
                "test" => data.Test,
                "validation" => data.Validation ?? throw new KitException("this dataset has no validation split"),
                _ => throw new KitException($"--split must be test or validation, got {Echo.Quote(which)}"),
            };
            var matrix = Farcluss.Evaluation.Evaluator.ConfusionOf(model, target, data.NumClasses, dev);
            var eval = new EvalResult(which!, "teacher", header.Step, matrix.MeanIoU(), matrix.PerClassIoU(), matrix.PixelAccuracy());
            Tables.PrintEval(eval, data.ClassNames);
            if (result.GetValue(confusion)) Tables.PrintConfusion(matrix, data.ClassNames);
            return 0;
        });
        return command;
    }
}
