using Farcluss.Evaluation;
using Farcluss.Training;
using Spectre.Console;

namespace Farcluss.Cli;

/// <summary>
/// One updating progress line on a terminal; when output is redirected (CI, logs), a plain line
/// every 10% instead of a flood.
/// </summary>
sealed class ConsoleProgress
{
    readonly string _label;
    int _lastDecile = -1;
    readonly bool _interactive = !Console.IsErrorRedirected;

    public ConsoleProgress(string label) => _label = label;

    public void Report(TrainingProgress p)
    {
        if (p.Phase.StartsWith("step ", StringComparison.Ordinal)) { Console.Error.WriteLine($"\n{_label}: {p.Phase}"); return; }
        if (p.Phase.StartsWith("done", StringComparison.Ordinal)) return; // the command prints its own result lines
        double fraction = p.TotalSteps == 0 ? 1 : (double)p.Step / p.TotalSteps;
        string loss = double.IsNaN(p.Loss) ? "–" : p.Loss.ToString("F3"); // no loss logged yet (step 1, evaluation)
        if (_interactive)
        {
            int width = 30, filled = (int)(fraction * width);
            var eta = TimeSpan.FromMilliseconds(p.MsPerStep * (p.TotalSteps - p.Step));
            Console.Error.Write($"\r{_label,-28} [{new string('#', filled)}{new string('.', width - filled)}] {p.Step}/{p.TotalSteps} " +
                                $"loss {loss}  {p.MsPerStep:F0} ms/step  eta {eta:mm\\:ss}  {p.Phase,-9}");
            if (p.Phase == "evaluate") Console.Error.WriteLine();
        }
        else
        {
            int decile = (int)(fraction * 10);
            if (decile != _lastDecile || p.Phase == "evaluate")
            {
                _lastDecile = decile;
                Console.Error.WriteLine($"{_label}: step {p.Step}/{p.TotalSteps}, loss {loss}, {p.MsPerStep:F0} ms/step ({p.Phase})");
            }
        }
    }
}

/// <summary>The per-class results as tables when they fit the console's width, else as the plain lists of
/// <see cref="NarrowTables"/>. <c>console</c> defaults to the process's (tests pass one writing to a string).</summary>
static class Tables
{
    public static void PrintEval(EvalResult result, IReadOnlyList<string> classNames, IAnsiConsole? console = null)
    {
        console ??= AnsiConsole.Console;
        console.MarkupLine($"[bold]{result.Model}[/] on {result.Split}: mIoU [bold]{100 * result.MeanIoU:F1}%[/], pixel accuracy {100 * result.PixelAccuracy:F1}%");
        var values = result.PerClassIoU.Select(v => double.IsNaN(v) ? "–" : (100 * v).ToString("F1")).ToArray();
        var columns = new List<IEnumerable<string>> { new[] { "class", "IoU %" } };
        columns.AddRange(classNames.Select((name, c) => new[] { name, values[c] }));
        if (!NarrowTables.Fits(columns, console.Profile.Width))
        {
            foreach (var line in NarrowTables.List("IoU % by class:", values.Select((v, c) => (v, classNames[c])))) console.WriteLine(line);
            return;
        }
        var table = new Table().AddColumn("class");
        foreach (var name in classNames) table.AddColumn(new TableColumn(Markup.Escape(name)).RightAligned());
        table.AddRow(new[] { "IoU %" }.Concat(values).ToArray());
        console.Write(table);
    }

    /// <summary>Rows: true class; columns: predicted class; each row in % of that class's pixels (recall on the diagonal).</summary>
    public static void PrintConfusion(Farcluss.Evaluation.ConfusionMatrix matrix, IReadOnlyList<string> classNames, IAnsiConsole? console = null)
    {
        console ??= AnsiConsole.Console;
        console.MarkupLine("confusion matrix: row = true class, column = predicted, % of the row's pixels");
        var rows = Enumerable.Range(0, matrix.NumClasses).Select(t =>
        {
            long total = 0;
            for (int p = 0; p < matrix.NumClasses; p++) total += matrix[t, p];
            return Enumerable.Range(0, matrix.NumClasses).Select(p => total == 0 ? "–" : (100.0 * matrix[t, p] / total).ToString("F1")).ToArray();
        }).ToArray();
        var columns = new List<IEnumerable<string>> { classNames.Prepend("true \\ pred") };
        columns.AddRange(classNames.Select((name, p) => rows.Select(r => r[p]).Prepend(name)));
        if (!NarrowTables.Fits(columns, console.Profile.Width))
        {
            // Too wide: one block a true class, "percent predicted-class" pairs, lines broken between pairs.
            for (int t = 0; t < matrix.NumClasses; t++)
                foreach (var line in NarrowTables.Wrap($"true {classNames[t]}:", rows[t].Select((v, p) => $"{v} {classNames[p]}"), "    ", console.Profile.Width))
                    console.WriteLine(line);
            return;
        }
        var table = new Table().AddColumn("true \\ pred");
        foreach (var name in classNames) table.AddColumn(new TableColumn(Markup.Escape(name)).RightAligned());
        for (int t = 0; t < matrix.NumClasses; t++) table.AddRow(new[] { Markup.Escape(classNames[t]) }.Concat(rows[t]).ToArray());
        console.Write(table);
    }
}
