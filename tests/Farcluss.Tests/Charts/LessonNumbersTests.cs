using System.Text.Json;
using System.Text.RegularExpressions;
using Farcluss.Charts;

namespace Farcluss.Tests.Charts;

/// <summary>
/// Issue 25: a lesson's prose quotes no result by hand. The committed results (results/*.json, results/*.md) are
/// regenerated when the preset changes, and a number typed into a markdown cell would then disagree with them; a
/// lesson prints such numbers from the committed JSON instead (<see cref="CommittedResults"/>,
/// <see cref="AblationSummary"/>, <see cref="RunCurves"/>).
///
/// The heuristic, over the markdown cells of the lessons and their solutions notebooks, after removing code spans
/// (`...`) and link targets: a result-like number is a percentage ("49.0%", "67 %"), a spread ("± 1.9"), a number with
/// one decimal from 1 up ("46.2", "6.8"), or a count of points ("+5 points", "14–18 IoU points"). Not flagged: a
/// setting written as <c>name = value</c> or after ≥ ≤ &lt; &gt; × ^ ("T_r = 10%", "τ = 0.95"), values below 1 with
/// one decimal (settings such as β's 0.5), dotted versions (2.10.0), and the few allowed phrases below, each with why.
/// </summary>
public class LessonNumbersTests
{
    static readonly string Root = Lesson.FindRepositoryRoot(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException("repository root not found above the test binaries");

    static readonly Regex ResultLike = new(@"
          (?<![=≥≤<>×^/\w.])(?<![=≥≤<>×^]\s)[+−-]?\b\d+(?:\.\d+)?\s?%
        | ±\s?\d
        | (?<![=≥≤<>×^/\w.])(?<![=≥≤<>×^]\s)\b[1-9]\d{0,2}\.\d\b(?!\.\d)
        | \b\d+(?:[–-]\d+)?\s(?:m?IoU\s)?points\b", RegexOptions.IgnorePatternWhitespace);

    /// <summary>(file, matched text, the phrase around it): numbers that are not results.</summary>
    static readonly (string File, string Match, string Context)[] Allowed =
    [
        ("09-own-data-full-scale.ipynb", "1.6", "PyTorch's format from before 1.6"),              // a PyTorch version
        ("01-supervised-solutions.ipynb", "1%", "moves it by 1% of the change"),                 // 1 − α for α = 0.99, a setting
    ];

    public static IEnumerable<object[]> Notebooks() =>
        Directory.GetFiles(Path.Combine(Root, "notebooks"), "*.ipynb")
            .Concat(Directory.GetFiles(Path.Combine(Root, "notebooks", "solutions"), "*.ipynb"))
            .Where(f => Regex.IsMatch(Path.GetFileName(f), @"^\d\d-"))
            .Select(f => Path.GetRelativePath(Path.Combine(Root, "notebooks"), f)).OrderBy(f => f).Select(f => new object[] { f });

    /// <summary>The result-like numbers of one markdown text: (match, its line).</summary>
    public static IEnumerable<(string Match, string Line)> ResultLikeNumbers(string markdown)
    {
        var text = Regex.Replace(markdown, "`[^`]*`", "");
        text = Regex.Replace(text, @"\]\([^)]*\)", "]");
        foreach (var line in text.Split('\n'))
            foreach (Match m in ResultLike.Matches(line))
                yield return (m.Value.Trim(), line.Trim());
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void MarkdownQuotesNoResultByHand(string notebook)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "notebooks", notebook)));
        var file = Path.GetFileName(notebook);
        var found = new List<string>();
        int index = 0;
        foreach (var cell in doc.RootElement.GetProperty("cells").EnumerateArray())
        {
            index++;
            if (cell.GetProperty("cell_type").GetString() != "markdown") continue;
            var source = cell.GetProperty("source");
            var text = source.ValueKind == JsonValueKind.Array ? string.Concat(source.EnumerateArray().Select(l => l.GetString())) : source.GetString() ?? "";
            foreach (var (match, line) in ResultLikeNumbers(text))
                if (!Allowed.Any(a => a.File == file && a.Match == match && line.Contains(a.Context)))
                    found.Add($"cell {index}: \"{match}\" in \"{(line.Length > 120 ? line[..120] + "…" : line)}\"");
        }
        Assert.True(found.Count == 0, $"{notebook}: numbers that look like results typed into the prose (print them from results/ instead, " +
                                      $"or phrase the sentence without them):\n" + string.Join("\n", found));
    }

    [Theory]
    [InlineData("FARCLUSS beat supervised by +5.5 mIoU (49.0 ± 0.5 against 43.5 ± 1.9)", new[] { "5.5", "49.0", "± 0", "43.5", "± 1" })]
    [InlineData("digits 5, 6 and 7 gain 14–18 IoU points each; right 67% of the time", new[] { "14–18 IoU points", "67%" })]
    [InlineData("τ = 0.95, α = 0.99, T_r = 10% of the steps, β = 0.5, version 2.10.0, `49.0%` in code, 0.5 the default", new string[0])]
    public void TheHeuristicFlagsResultsAndNotSettings(string markdown, string[] expected) =>
        Assert.Equal(expected, ResultLikeNumbers(markdown).Select(m => m.Match).ToArray());
}
