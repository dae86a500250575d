using System.Text.RegularExpressions;
using Farcluss.Tests.Data;

namespace Farcluss.Tests.Reliability;

/// <summary>
/// Issue 24, item 7: what `train` and `eval` print stays readable at 80 columns and in a file. Redirected, the
/// console is 80 columns wide; the per-class table of M2NIST-LT's 11 classes (about 92 columns) used to come out
/// with "bac…" for background and IoU values wrapped over two lines. Too wide, it is a plain list now: every line
/// at most 80 characters, no name cut, every number whole on its line.
/// </summary>
public class TableWidthTests
{
    [Fact]
    public void EvalsPerClassTableAndConfusionMatrixFitEightyColumnsWithWholeNamesAndNumbers()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tiny.json"), CliProcess.TinyConfig);
        var train = CliProcess.Run(dir.Path, 180, "train", "--preset", "smoke", "--config", "tiny.json", "--steps", "2", "--device", "cpu", "--out", "run");
        Assert.True(train.ExitCode == 0, train.Stderr);
        var eval = CliProcess.Run(dir.Path, 120, "eval", "--checkpoint", "run/checkpoint.bin", "--device", "cpu", "--confusion");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        foreach (var output in new[] { train.Stdout, eval.Stdout })
        {
            var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
            Assert.All(lines, l => Assert.True(l.Length <= 80, $"a line of {l.Length} characters: {l}"));
            Assert.DoesNotContain("…", output);
            // The per-class list: one line a class, the IoU (or – when the class is absent) first, then the whole name.
            var listed = lines.Select(l => Regex.Match(l, @"^\s+(\d+\.\d|–)\s\s(\S+)$")).Where(m => m.Success).Select(m => m.Groups[2].Value).ToArray();
            Assert.Equal(["background", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], listed.Take(11));
        }
        // The confusion matrix: each true class's row, as "percent class" pairs, 11 to a row, never split.
        var pairs = Regex.Matches(eval.Stdout, @"(?<=^|\s)(\d+\.\d|–) (background|\d)(?=\s|$)", RegexOptions.Multiline);
        Assert.Equal(11 * 11, pairs.Count);
    }
}
