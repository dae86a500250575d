using Spectre.Console;

namespace Farcluss.Cli;

/// <summary>
/// Tables that stay readable at 80 columns and in a file. A table with one column per class (21 for VOC) does
/// not fit a terminal's width, and Spectre.Console then truncates the class names ("bac…") and wraps numbers over
/// two lines ("34." / "1"), so a number can be misread. When a table would be wider than the console, the
/// tables print a plain list instead: one entry a line, the number first, so a long name can never split it.
/// </summary>
static class NarrowTables
{
    /// <summary>The console's width (80 when output goes to a file or a pipe, or COLUMNS says so).</summary>
    public static int Width => Math.Max(40, AnsiConsole.Profile.Width);

    /// <summary>True when a Spectre table (rounded border, one space of padding a side) with these columns fits in
    /// <see cref="Width"/>: 1 + Σ (widest cell + 3) characters.</summary>
    public static bool Fits(IReadOnlyList<IEnumerable<string>> columns) =>
        1 + columns.Sum(cells => cells.Max(c => c.Length) + 3) <= Width;

    /// <summary>Each (value, label) pair as one line, value right-aligned in a fixed field first.</summary>
    public static void PrintList(string title, IEnumerable<(string Value, string Label)> rows)
    {
        var list = rows.ToList();
        int valueWidth = list.Count == 0 ? 0 : list.Max(r => r.Value.Length);
        Console.WriteLine(title);
        foreach (var (value, label) in list) Console.WriteLine($"  {value.PadLeft(valueWidth)}  {label}");
    }

    /// <summary><paramref name="items"/> joined with two spaces, broken between items (never inside one) so that no line
    /// is wider than <see cref="Width"/>; each line after the first starts with <paramref name="indent"/>.</summary>
    public static IEnumerable<string> Wrap(string first, IEnumerable<string> items, string indent)
    {
        var line = first;
        foreach (var item in items)
        {
            if (line.Length + 2 + item.Length > Width && line.Trim().Length > 0)
            {
                yield return line;
                line = indent + item;
            }
            else line = line.Length == 0 ? item : line + "  " + item;
        }
        yield return line;
    }
}
