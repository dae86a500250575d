using System.Text.Json;
using Farcluss.Charts;
using Farcluss.NotebookApps;

namespace Farcluss.Tests.Charts;

/// <summary>
/// Every lesson also runs as a .NET file-based app generated from its notebook (issue 23): the generator's
/// translations on small cells written by hand, and the committed apps up to date with the committed notebooks.
/// </summary>
public class NotebookAppTests
{
    static readonly string Root = Lesson.FindRepositoryRoot(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException("repository root not found above the test binaries");

    static string Notebook(params (string Kind, string Source)[] cells) => JsonSerializer.Serialize(new
    {
        cells = cells.Select(c => new { cell_type = c.Kind, metadata = new { }, source = c.Source }).ToArray(),
        metadata = new { },
        nbformat = 4,
        nbformat_minor = 5,
    });

    static string Translate(string cell)
    {
        var usings = new List<string>();
        return NotebookApp.TranslateCell(cell, usings, "test");
    }

    [Fact]
    public void LastExpressionIsShownAndStatementsStayAsTheyAre()
    {
        Assert.Equal("var x = 1;\nLesson.Show(x + 1);", Translate("var x = 1;\nx + 1"));
        Assert.Equal("var x = 1;", Translate("var x = 1;"));
        // A last expression over several lines, after a block: only the expression is wrapped.
        Assert.Equal("if (true) { }\nLesson.Show(string.Join(\",\",\n    new[] { \"a\" }));", Translate("if (true) { }\nstring.Join(\",\",\n    new[] { \"a\" })"));
    }

    [Fact]
    public void DisplayCallsGoThroughTheKitApi()
    {
        Assert.Equal("Lesson.Show(\"a\");\nLesson.Show(1 + 2);", Translate("display(\"a\");\ndisplay(1 + 2);"));
        Assert.Equal("obj.display(1);", Translate("obj.display(1);")); // a method that happens to be called display is not the notebook's
    }

    [Fact]
    public void UsingsMoveToTheTopAndTheNotebookHostsAreDropped()
    {
        var usings = new List<string> { "using System.IO;" };
        var code = NotebookApp.TranslateCell(
            "using System.IO;\nusing Microsoft.DotNet.Interactive.Formatting;\nusing static TorchSharp.torch;\n\n" +
            "// the formatter\nFormatter.Register<int>((v, w) => w.Write(v), \"text/html\");\nusing (var d = new MemoryStream()) { }", usings, "test");
        Assert.Equal(["using System.IO;", "using static TorchSharp.torch;"], usings);
        Assert.DoesNotContain("Formatter", code);
        Assert.DoesNotContain("// the formatter", code);
        Assert.Contains("using (var d = new MemoryStream()) { }", code); // a using statement is code, not a directive
    }

    [Fact]
    public void ReferencesAndTheCommentAboveThemGiveWayToTheAppsHeader()
    {
        var cell = "// pins\n// every package\n#r \"nuget: TorchSharp, 0.107.0\"\n#r \"../.build/notebooks/Farcluss.dll\"\n\n// set-up\nFarcluss.Charts.Lesson.Setup()";
        Assert.Equal("// set-up\nFarcluss.Charts.Lesson.Setup()", NotebookApp.DropReferences(cell, "test"));
        Assert.Throws<NotebookAppException>(() => NotebookApp.DropReferences("#!time\n1", "test"));
    }

    [Fact]
    public void AnImportedCsxStandsWhereItsImportLineStood_WithoutItsOpeningComment()
    {
        var folder = Directory.CreateTempSubdirectory("farcluss-import-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "setup.csx"), "// how notebooks load this\nusing System.IO;\nvar x = 1;\n");
            Assert.Equal("// shared\nusing System.IO;\nvar x = 1;\nx", NotebookApp.ExpandImports("// shared\n#!import setup.csx\nx", folder, "test"));
            Assert.Throws<NotebookAppException>(() => NotebookApp.ExpandImports("#!import other.dib", folder, "test"));
            Assert.Throws<NotebookAppException>(() => NotebookApp.ExpandImports("#!import missing.csx", folder, "test"));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void EveryLessonLoadsTheSharedSetup()
    {
        var notebooks = Path.Combine(Farcluss.Tests.Data.MnistTestData.RepoRoot(), "notebooks");
        Assert.True(File.Exists(Path.Combine(notebooks, "lesson-setup.csx")));
        foreach (var file in Directory.GetFiles(notebooks, "[0-9][0-9]-*.ipynb"))
        {
            var code = NotebookApp.ReadCells(File.ReadAllText(file)).Where(c => c.Kind == "code").Select(c => c.Source).ToList();
            Assert.Contains("#!import lesson-setup.csx", code[1]);
        }
    }

    [Fact]
    public void RawStringsOutnumberTheQuotesInTheText()
    {
        Assert.Equal("\"\"\"\nsay \"hi\"\n\"\"\"", NotebookApp.RawString("say \"hi\""));
        Assert.Equal("\"\"\"\"\"\na \"\"\"\" b\n\"\"\"\"\"", NotebookApp.RawString("a \"\"\"\" b"));
    }

    [Fact]
    public void AnAppIsTheCellsInOrderBetweenStartAndFinish()
    {
        var json = Notebook(("markdown", "# 99 · Title"), ("code", "#r \"nuget: X, 1.0\"\nusing System.Text;\nvar s = \"a\";"), ("code", "s + \"b\""));
        var app = NotebookApp.Generate(json, "99-title");
        Assert.Contains("#:project ../../lib/Farcluss.Charts/Farcluss.Charts.csproj\n", app);
        Assert.DoesNotContain("#r ", app);
        int start = app.IndexOf("var lessonPage = LessonPage.Start(\"99-title\");"), text = app.IndexOf("lessonPage.Text(\"\"\"\n# 99 · Title\n\"\"\");"),
            first = app.IndexOf("var s = \"a\";"), shown = app.IndexOf("Lesson.Show(s + \"b\");"), finish = app.IndexOf("lessonPage.Finish();");
        Assert.True(app.IndexOf("using System.Text;") < start && start < text && text < first && first < shown && shown < finish, app);
        Assert.Throws<NotebookAppException>(() => NotebookApp.Generate(Notebook(("code", "var lessonPage = 1;")), "99-title"));
    }

    [Fact]
    public void EveryCommittedAppIsUpToDateWithItsNotebook()
    {
        var notebooks = Directory.GetFiles(Path.Combine(Root, "notebooks"), "*.ipynb").Order().ToList();
        Assert.Equal(10, notebooks.Count);
        var stale = new List<string>();
        foreach (var notebook in notebooks)
        {
            var name = Path.GetFileNameWithoutExtension(notebook);
            var app = Path.Combine(Root, "notebooks", "apps", name + ".cs");
            if (!File.Exists(app) || File.ReadAllText(app) != NotebookApp.Generate(File.ReadAllText(notebook), name, Path.GetDirectoryName(notebook)))
                stale.Add($"notebooks/apps/{name}.cs");
        }
        Assert.True(stale.Count == 0, $"out of date with their notebooks: {string.Join(", ", stale)}; regenerate with `{NotebookApp.RegenerateCommand}`");
        var apps = Directory.GetFiles(Path.Combine(Root, "notebooks", "apps"), "*.cs").Select(Path.GetFileNameWithoutExtension);
        Assert.Equal(notebooks.Select(Path.GetFileNameWithoutExtension), apps.Order());
    }
}
