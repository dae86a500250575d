using System.Text.RegularExpressions;
using Farcluss.Cli;
using Farcluss.Evaluation;
using Farcluss.Tests.Data;
using Spectre.Console;

namespace Farcluss.Tests.Reliability;

/// <summary>
/// Issue 24, item 7: what `train` and `eval` print stays readable at 80 columns and in a file. Redirected, the
/// console is 80 columns wide; M2NIST-LT's 11 classes with IoUs such as 34.1 need a 92-column table, which
/// Spectre.Console squeezed into "bac…" for background and IoUs wrapped over two lines. Too wide, the table is a
/// plain list now: every line at most 80 characters, no name cut, every number whole on its line.
/// </summary>
public class TableWidthTests
{
    static readonly string[] M2NistNames = ["background", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>What the tables print on an 80-column console without colours, as lines.</summary>
    static string[] Render(Action<IAnsiConsole> print)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 80;
        print(console);
        return writer.ToString().Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();
    }

    [Fact]
    public void ElevenClassesOfTwoDigitIoUsAreAListWithWholeNamesAndNumbers()
    {
        // IoU 95.2 for background, 34.1 for digit 0, then 10.0, 20.0, … 90.0 for digits 1–9 except 4, absent (–).
        double[] iou = [0.952, 0.341, 0.1, 0.2, 0.3, double.NaN, 0.5, 0.6, 0.7, 0.8, 0.9];
        var lines = Render(c => Tables.PrintEval(new EvalResult("test", "teacher", 2, 0.5, iou, 0.9), M2NistNames, c));
        Assert.Equal(["teacher on test: mIoU 50.0%, pixel accuracy 90.0%", "IoU % by class:",
                      "  95.2  background", "  34.1  0", "  10.0  1", "  20.0  2", "  30.0  3", "     –  4",
                      "  50.0  5", "  60.0  6", "  70.0  7", "  80.0  8", "  90.0  9"], lines);
    }

    [Fact]
    public void ATableThatFitsStaysATable()
    {
        var lines = Render(c => Tables.PrintEval(new EvalResult("test", "teacher", 2, 0.5, [0.952, 0.341, 0.5], 0.9), ["background", "a", "b"], c));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"│ IoU % │\s+95\.2 │ 34\.1 │ 50\.0 │"));
        Assert.All(lines, l => Assert.True(l.Length <= 80, l));
    }

    [Fact]
    public void AConfusionMatrixTooWideForEightyColumnsBreaksBetweenPairsNeverInsideANumber()
    {
        // 11 classes: every true class t has 100 pixels predicted t, and 50 predicted 0 (so row t ≠ 0 reads 66.7 / 33.3).
        var matrix = new ConfusionMatrix(11);
        for (int t = 0; t < 11; t++)
        {
            matrix.Add(t, t, 100);
            if (t != 0) matrix.Add(t, 0, 50);
        }
        var lines = Render(c => Tables.PrintConfusion(matrix, M2NistNames, c));
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"{l.Length} characters: {l}"));
        var text = string.Join("\n", lines);
        Assert.DoesNotContain("…", text);
        var pairs = Regex.Matches(text, @"(?<=^|\s)(\d+\.\d|–) (background|\d)(?=\s|$)", RegexOptions.Multiline);
        Assert.Equal(11 * 11, pairs.Count);
        Assert.StartsWith("true 3:  33.3 background  0.0 0  0.0 1  0.0 2  66.7 3", lines.Single(l => l.StartsWith("true 3:")));
    }

    [Fact]
    public void TrainAndEvalPrintNoLineWiderThanEightyColumns()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tiny.json"), CliProcess.TinyConfig);
        var train = CliProcess.Run(dir.Path, 180, "train", "--preset", "smoke", "--config", "tiny.json", "--steps", "2", "--device", "cpu", "--out", "run");
        Assert.True(train.ExitCode == 0, train.Stderr);
        var eval = CliProcess.Run(dir.Path, 120, "eval", "--checkpoint", "run/checkpoint.bin", "--device", "cpu", "--confusion");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        foreach (var output in new[] { train.Stdout, eval.Stdout })
        {
            Assert.All(output.Split('\n'), l => Assert.True(l.TrimEnd('\r').Length <= 80, $"a line of {l.Length} characters: {l}"));
            Assert.DoesNotContain("…", output);
        }
    }
}
