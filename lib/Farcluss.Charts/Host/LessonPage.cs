using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Markdig;
using Plotly.NET;

namespace Farcluss.Charts;

/// <summary>
/// The file-based app's side of <see cref="ILessonOutput"/> : a lesson run as
/// <c>dotnet run notebooks/apps/NN-name.cs</c> writes its text, every value it shows and its final
/// progress lines, in order, into one self-contained HTML page that opens offline (plotly.js inline
/// once, each chart drawn by the page's own copy, as in the notebooks' export), and prints the text to the console.
/// The apps are generated from the notebooks (notebooks/tools/NotebookApps): each starts with
/// <see cref="Start"/> and ends with <see cref="Finish"/>.
/// </summary>
public sealed class LessonPage : ILessonOutput
{
    static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UsePipeTables().Build();
    readonly List<Block> _blocks = [];
    readonly Dictionary<string, Block> _lines = [];
    readonly Action<string> _console;

    /// <summary>The lesson's name, e.g. "03-fuzzy-labels" (the notebook's file name without .ipynb).</summary>
    public string Name { get; }

    /// <summary>The folder the page is written to by <see cref="Finish"/>.</summary>
    public string Folder { get; }

    /// <summary>A page for <paramref name="name"/> written into <paramref name="folder"/>; <paramref name="console"/> gets the text as it comes.</summary>
    public LessonPage(string name, string folder, Action<string>? console = null)
    {
        Name = name;
        Folder = folder;
        _console = console ?? Console.WriteLine;
    }

    /// <summary>
    /// What a lesson's app calls first: the working directory becomes the notebooks/ folder (where Jupyter starts a
    /// lesson's kernel, so relative paths mean the same), and the lesson's output goes to a new page that
    /// <see cref="Finish"/> writes to notebooks/html/apps/NAME.html. The notebooks/ folder is the one above the app's
    /// own folder (notebooks/apps), else found from the working directory.
    /// </summary>
    public static LessonPage Start(string name)
    {
        var notebooks = NotebooksFolder();
        Directory.SetCurrentDirectory(notebooks);
        var page = new LessonPage(name, Path.Combine(notebooks, "html", "apps"));
        Lesson.Output = page;
        return page;
    }

    static string NotebooksFolder()
    {
        // A .NET 10 file-based app knows its source file; the app lives in notebooks/apps/.
        if (AppContext.GetData("EntryPointFilePath") is string app && File.Exists(app))
            return Path.GetFullPath(Path.Combine(Path.GetDirectoryName(app)!, ".."));
        var root = Lesson.FindRepositoryRoot(Directory.GetCurrentDirectory())
            ?? throw new KitException("cannot find the kit's repository (Farcluss.Kit.sln) above the working directory", Directory.GetCurrentDirectory());
        return Path.Combine(root, "notebooks");
    }

    /// <summary>A markdown cell: rendered into the page; links to other lessons lead to their pages.</summary>
    public void Text(string markdown)
    {
        var html = Markdig.Markdown.ToHtml(markdown, Markdown);
        html = Regex.Replace(html, "href=\"(\\d\\d-[a-z0-9-]+)\\.ipynb\"", "href=\"$1.html\"");
        _blocks.Add(new Block("text", html));
    }

    /// <summary>A chart is drawn; anything else is shown as its text, preformatted (tables stay aligned).</summary>
    public void Show(object? value)
    {
        switch (value)
        {
            case null:
                return;
            case GenericChart chart:
                _blocks.Add(new Block("chart", OfflinePlotly.ChartHtml(chart)));
                _console($"[chart {_blocks.Count(b => b.Kind == "chart")}]");
                return;
            default:
                var text = value.ToString() ?? "";
                _blocks.Add(new Block("output", Preformatted(text)));
                _console(text);
                return;
        }
    }

    /// <summary>A progress line: the page keeps its last state where it was first shown; the console gets every state.</summary>
    public void ShowLine(string id, string text)
    {
        if (_lines.TryGetValue(id, out var line)) line.Html = Preformatted(text);
        else _blocks.Add(_lines[id] = new Block("output", Preformatted(text)));
        _console(text);
    }

    static string Preformatted(string text) => "<pre>" + WebUtility.HtmlEncode(text) + "</pre>";

    /// <summary>The number of charts shown so far.</summary>
    public int Charts => _blocks.Count(b => b.Kind == "chart");

    /// <summary>The whole page: plotly.js inline once in the head, then the blocks in order.</summary>
    public string Html()
    {
        var title = _blocks.Where(b => b.Kind == "text").Select(b => Regex.Match(b.Html, "<h1[^>]*>(.*?)</h1>", RegexOptions.Singleline))
            .FirstOrDefault(m => m.Success)?.Groups[1].Value ?? WebUtility.HtmlEncode(Name);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(Regex.Replace(title, "<[^>]+>", "")).Append("</title>\n<style>")
            .Append("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;line-height:1.45}")
            .Append("pre{background:#f6f8fa;padding:.6em;overflow-x:auto;white-space:pre-wrap}")
            .Append("code{background:#f6f8fa}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em}")
            .Append(".output{margin:.5em 0 1.5em}</style>\n")
            .Append(OfflinePlotly.ScriptTag()).Append("\n</head><body>\n");
        foreach (var block in _blocks)
            html.Append("<div class=\"").Append(block.Kind == "text" ? "text" : "output").Append("\">").Append(block.Html).Append("</div>\n");
        html.Append("<p><small>Written by the lesson's file-based app (notebooks/apps/").Append(WebUtility.HtmlEncode(Name))
            .Append(".cs), preset ").Append(Lesson.PresetName).Append(".</small></p>\n</body></html>\n");
        return html.ToString();
    }

    /// <summary>Writes the page to <see cref="Folder"/>/NAME.html, prints where it is and returns the path.</summary>
    public string Finish()
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, Name + ".html");
        Farcluss.AtomicFile.WriteAllText(path, Html());
        _console($"page: {path} ({Charts} charts)");
        return path;
    }

    sealed class Block(string kind, string html)
    {
        public string Kind { get; } = kind;
        public string Html { get; set; } = html;
    }
}
