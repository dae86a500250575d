using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Farcluss.Charts;

namespace Farcluss.Tests.Charts;

/// <summary>
/// The committed lessons keep the course's shape (STYLE.md item 10, issue 4): numbered lower-case
/// hyphenated names 00–09, a first code cell pinning every package at the version of
/// Directory.Packages.props and loading the library built from this repository, the sections
/// every lesson has, links to the previous and next lesson, and no outputs.
/// </summary>
public class LessonNotebookTests
{
    static readonly string Root = Lesson.FindRepositoryRoot(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException("repository root not found above the test binaries");

    static string[] LessonFiles() =>
        Directory.GetFiles(Path.Combine(Root, "notebooks"), "*.ipynb").Select(Path.GetFileName).OrderBy(n => n).ToArray()!;

    static List<(string Kind, string Source, bool HasOutputs)> Cells(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "notebooks", file)));
        return doc.RootElement.GetProperty("cells").EnumerateArray().Select(c =>
        {
            var source = c.GetProperty("source");
            string text = source.ValueKind == JsonValueKind.Array ? string.Concat(source.EnumerateArray().Select(l => l.GetString())) : source.GetString() ?? "";
            bool outputs = c.TryGetProperty("outputs", out var o) && o.GetArrayLength() > 0
                || c.TryGetProperty("execution_count", out var n) && n.ValueKind != JsonValueKind.Null;
            return (c.GetProperty("cell_type").GetString()!, text, outputs);
        }).ToList();
    }

    [Fact]
    public void TenLessonsNumberedInOrderWithPlainNames()
    {
        var files = LessonFiles();
        Assert.Equal(10, files.Length);
        for (int i = 0; i < files.Length; i++)
            Assert.Matches($"^{i:D2}-[a-z0-9]+(-[a-z0-9]+)*\\.ipynb$", files[i]);
    }

    [Fact]
    public void FirstCodeCellPinsTheCentralVersionsAndLoadsTheRepositoryBuild()
    {
        var props = XDocument.Load(Path.Combine(Root, "Directory.Packages.props"));
        // A version may name an MSBuild property of the same file, e.g. $(LibTorchCpuVersion).
        var properties = props.Descendants("PropertyGroup").Elements().ToDictionary(e => e.Name.LocalName, e => e.Value.Trim());
        string Resolve(string version) => Regex.Replace(version, @"\$\((\w+)\)", m => properties.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);
        var central = props.Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => Resolve((string)e.Attribute("Version")!));
        foreach (var file in LessonFiles())
        {
            var first = Cells(file).First(c => c.Kind == "code").Source;
            var pins = Regex.Matches(first, "#r \"nuget: *([^,\"]+), *([^\"]+)\"").Select(m => (Name: m.Groups[1].Value.Trim(), Version: m.Groups[2].Value.Trim())).ToList();
            Assert.True(pins.Count >= 5, $"{file}: the first code cell pins {pins.Count} packages");
            foreach (var (name, version) in pins)
            {
                Assert.True(central.ContainsKey(name), $"{file}: {name} is not in Directory.Packages.props");
                Assert.True(central[name] == version, $"{file}: {name} {version}, but Directory.Packages.props has {central[name]}");
            }
            Assert.Contains("#r \"../.build/notebooks/Farcluss.dll\"", first);
            Assert.Contains("#r \"../.build/notebooks/Farcluss.Charts.dll\"", first);
            Assert.Contains("Lesson.Setup()", first);
        }
    }

    [Fact]
    public void EveryLessonHasItsSectionsAChartAndLinksAndNoOutputs()
    {
        var files = LessonFiles();
        for (int i = 0; i < files.Length; i++)
        {
            var cells = Cells(files[i]);
            string markdown = string.Join("\n", cells.Where(c => c.Kind == "markdown").Select(c => c.Source));
            string code = string.Join("\n", cells.Where(c => c.Kind == "code").Select(c => c.Source));
            foreach (var section in new[] { "**You will learn**", "## Theory", "## Summary", "## Exercises" })
                Assert.True(markdown.Contains(section), $"{files[i]}: no '{section}'");
            // The ablation a learner changes and reruns: a section, or a setting marked "// ablation" in code.
            Assert.True(markdown.Contains("## Ablation") || code.Contains("// ablation"), $"{files[i]}: no ablation");
            Assert.Contains("LessonCharts.", code);
            if (i > 0) Assert.Contains($"]({files[i - 1]})", markdown);
            if (i < files.Length - 1) Assert.Contains($"]({files[i + 1]})", markdown);
            Assert.DoesNotContain(cells, c => c.HasOutputs);
        }
    }
}
