namespace Farcluss.Cli;

/// <summary>
/// Tables that stay readable at 80 columns and in a file. A table with one column per class (11 for M2NIST-LT,
/// 21 for VOC) does not fit a terminal's width, and Spectre.Console then truncates the class names ("bac…") and
/// wraps numbers over two lines ("34." / "1"), so a number can be misread. When a table would be wider than the
/// console (80 columns when output goes to a file or a pipe), <see cref="Tables"/> prints these plain lines
/// instead: one entry a line with the number first, or pairs broken between pairs, never inside a number.
/// </summary>
static class NarrowTables
{
    /// <summary>True when a Spectre table (a border and one space of padding a side) with these columns fits in
    /// <paramref name="width"/>: 1 + Σ (widest cell + 3) characters.</summary>
    public static bool Fits(IReadOnlyList<IEnumerable<string>> columns, int width) =>
        1 + columns.Sum(cells => cells.Max(c => c.Length) + 3) <= width;

    /// <summary>The title, then each (value, label) pair as a line, the value right-aligned in a fixed field first.</summary>
    public static IEnumerable<string> List(string title, IEnumerable<(string Value, string Label)> rows)
    {
        var list = rows.ToList();
        int valueWidth = list.Count == 0 ? 0 : list.Max(r => r.Value.Length);
        yield return title;
        foreach (var (value, label) in list) yield return $"  {value.PadLeft(valueWidth)}  {label}";
    }

    /// <summary><paramref name="first"/> then <paramref name="items"/>, two spaces apart, broken between items (never inside
    /// one) so that no line is wider than <paramref name="width"/> unless one item alone is; lines after the first start
    /// with <paramref name="indent"/>.</summary>
    public static IEnumerable<string> Wrap(string first, IEnumerable<string> items, string indent, int width)
    {
        var line = first;
        foreach (var item in items)
        {
            if (line.Length + 2 + item.Length > width && line.Trim().Length > 0)
            {
                yield return line;
                line = indent + item;
            }
            else line = line.Length == 0 ? item : line + "  " + item;
        }
        yield return line;
    }
}
