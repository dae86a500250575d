using System.Text;
using System.Text.Json;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Farcluss.NotebookApps;

/// <summary>
/// Turns a lesson notebook into a .NET 10 file-based app (issue 23: .NET Interactive is deprecated, so every lesson
/// also runs as <c>dotnet run notebooks/apps/NN-name.cs</c>). The app is the notebook's cells in order:
/// <list type="bullet">
/// <item>a markdown cell becomes page text, <c>lessonPage.Text("""...""")</c>;</item>
/// <item>a code cell is copied as it is, except for what only a notebook host understands:
///   <c>#r</c> lines (and the comment just above them) give way to the app's <c>#:project</c> header;
///   <c>using</c> directives move to the top of the file, those of .NET Interactive dropped;
///   the notebook's chart formatter (<c>Formatter.Register</c>) is dropped, the page draws charts itself;
///   <c>display(x)</c> becomes <c>Lesson.Show(x)</c>, and so does the cell's last expression (what a notebook shows
///   as the cell's result).</item>
/// </list>
/// <see cref="Farcluss.Charts.LessonPage"/> is the host on the app's side of that API. A construct this cannot
/// translate (a <c>#!</c> magic command) is an error naming the notebook and the cell.
/// </summary>
public static class NotebookApp
{
    /// <summary>The command that regenerates every app.</summary>
    public const string RegenerateCommand = "dotnet run --project notebooks/tools/NotebookApps";

    /// <summary>The variable of the generated app that holds the page; a lesson must not use the name.</summary>
    public const string PageVariable = "lessonPage";

    static readonly CSharpParseOptions Script = new(LanguageVersion.Preview, kind: SourceCodeKind.Script);

    /// <summary>The app for the notebook <paramref name="notebookJson"/>, whose file is notebooks/<paramref name="name"/>.ipynb.</summary>
    /// <paramref name="notebookFolder"/> is where a cell's <c>#!import FILE.csx</c> is read from (the shared setup,
    /// notebooks/lesson-setup.csx): the file's code stands in the app where the line stood.
    public static string Generate(string notebookJson, string name, string? notebookFolder = null)
    {
        var cells = ReadCells(notebookJson);
        var usings = new List<string>();
        var body = new StringBuilder();
        int codeNumber = 0;
        foreach (var (kind, source) in cells)
        {
            if (kind == "markdown")
            {
                if (source.Trim().Length == 0) continue;
                body.Append(PageVariable).Append(".Text(").Append(RawString(source.TrimEnd())).Append(");\n\n");
            }
            else if (kind == "code")
            {
                codeNumber++;
                string where = $"{name}.ipynb, code cell {codeNumber}";
                if (System.Text.RegularExpressions.Regex.IsMatch(source, $@"\b{PageVariable}\b"))
                    throw new NotebookAppException($"{where}: uses the name '{PageVariable}', which the app keeps for its page");
                var code = TranslateCell(DropReferences(ExpandImports(source, notebookFolder, where), where), usings, where).Trim('\n', '\r');
                if (code.Trim().Length == 0) continue;
                body.Append("// ---- code cell ").Append(codeNumber).Append(" ----\n").Append(code).Append("\n\n");
            }
        }
        if (!usings.Contains("using Farcluss.Charts;")) usings.Add("using Farcluss.Charts;");

        var app = new StringBuilder();
        app.Append($"""
            // Lesson {name} as a .NET file-based app, generated from notebooks/{name}.ipynb by notebooks/tools/NotebookApps.
            // Do not edit: edit the notebook, then regenerate every app with `{RegenerateCommand}`
            // (a test fails while an app is out of date with its notebook).
            //
            //   dotnet run notebooks/apps/{name}.cs                     the workshop preset
            //   FARCLUSS_SMOKE=1 dotnet run notebooks/apps/{name}.cs    the smoke preset (seconds, as CI runs it)
            //
            // It writes the lesson's text, what it shows and its charts into one offline page,
            // notebooks/html/apps/{name}.html, and prints where. The kit's projects are referenced, not copied; package
            // versions come from the repository's Directory.Packages.props.
            #:project ../../lib/Farcluss.Charts/Farcluss.Charts.csproj
            #:package libtorch-cpu-linux-x64
            #:property PublishAot=false
            #:property Configuration=Release

            """).Append('\n');
        foreach (var u in usings) app.Append(u).Append('\n');
        app.Append('\n').Append($"var {PageVariable} = LessonPage.Start(\"{name}\");\n\n");
        app.Append(body);
        app.Append(PageVariable).Append(".Finish();\n");
        return app.ToString();
    }

    /// <summary>The cells of a notebook: kind ("markdown", "code", "raw") and source.</summary>
    public static List<(string Kind, string Source)> ReadCells(string notebookJson)
    {
        using var doc = JsonDocument.Parse(notebookJson);
        return doc.RootElement.GetProperty("cells").EnumerateArray().Select(c =>
        {
            var source = c.GetProperty("source");
            string text = source.ValueKind == JsonValueKind.Array ? string.Concat(source.EnumerateArray().Select(l => l.GetString())) : source.GetString() ?? "";
            return (c.GetProperty("cell_type").GetString() ?? "", text.Replace("\r\n", "\n"));
        }).ToList();
    }

    /// <summary>
    /// The cell with each <c>#!import FILE.csx</c> line replaced by the file's code (read from <paramref name="folder"/>,
    /// without its opening comment block),
    /// as the kernel runs it: the one magic command an app can follow, since a C# script is C#.
    /// </summary>
    public static string ExpandImports(string source, string? folder, string where)
    {
        var lines = source.Split('\n');
        if (!lines.Any(IsImport)) return source;
        return string.Join('\n', lines.Select(line =>
        {
            if (!IsImport(line)) return line;
            var file = line.Trim()["#!import".Length..].Trim().Trim('"');
            if (folder is null || !file.EndsWith(".csx", StringComparison.Ordinal))
                throw new NotebookAppException($"{where}: '{line.Trim()}' imports what an app cannot read (a .csx file beside the notebook)");
            var path = Path.Combine(folder, file);
            if (!File.Exists(path)) throw new NotebookAppException($"{where}: '{line.Trim()}': no such file {path}");
            // The file's opening comment block says how notebooks load it: the app has no use for it.
            return string.Join('\n', File.ReadAllText(path).Replace("\r\n", "\n").TrimEnd('\n').Split('\n').SkipWhile(l => l.TrimStart().StartsWith("//")));
        }));
    }

    static bool IsImport(string line) => line.TrimStart().StartsWith("#!import ", StringComparison.Ordinal);

    /// <summary>
    /// The cell without its <c>#r</c>/<c>#i</c> lines and the comment block directly above the first of them (it
    /// describes them; the app's header says where its references come from). A <c>#!</c> magic command is an error.
    /// </summary>
    public static string DropReferences(string source, string where)
    {
        var lines = source.Split('\n').ToList();
        var magic = lines.FirstOrDefault(l => l.TrimStart().StartsWith("#!"));
        if (magic is not null) throw new NotebookAppException($"{where}: the magic command '{magic.Trim()}' has no file-based app equivalent");
        int first = lines.FindIndex(IsReference);
        if (first < 0) return source;
        int start = first;
        while (start > 0 && lines[start - 1].TrimStart().StartsWith("//")) start--;
        var kept = lines.Take(start).Concat(lines.Skip(first).Where(l => !IsReference(l))).ToList();
        // The blank line that separated the dropped block from the rest goes too.
        while (kept.Count > start && kept[start].Trim().Length == 0) kept.RemoveAt(start);
        return string.Join('\n', kept);
    }

    static bool IsReference(string line) => line.TrimStart().StartsWith("#r ") || line.TrimStart().StartsWith("#i ");

    /// <summary>
    /// One code cell (references already dropped) as app code: its using directives added to <paramref name="usings"/>
    /// (those of .NET Interactive dropped), the chart formatter's registration dropped, <c>display(</c> and the last
    /// expression turned into <c>Lesson.Show(</c>.
    /// </summary>
    public static string TranslateCell(string code, List<string> usings, string where)
    {
        var root = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(code, Script).GetRoot();
        var edits = new List<(TextSpan Span, string Text)>();
        foreach (var u in root.Usings)
        {
            var directive = u.WithoutTrivia().ToString();
            bool hostOnly = u.Name?.ToString().StartsWith("Microsoft.DotNet.Interactive") == true;
            if (!hostOnly && !usings.Contains(directive)) usings.Add(directive);
            edits.Add((TextSpan.FromBounds(u.SpanStart, u.FullSpan.End), ""));
        }
        foreach (var member in root.Members)
        {
            if (member is GlobalStatementSyntax { Statement: ExpressionStatementSyntax { Expression: InvocationExpressionSyntax call } }
                && call.Expression.ToString().StartsWith("Formatter.Register"))
                edits.Add((member.FullSpan, "// (The notebook registers its offline chart formatter here; the app's page draws charts itself.)\n"));
        }
        foreach (var call in root.DescendantNodes().OfType<InvocationExpressionSyntax>())
            if (call.Expression is IdentifierNameSyntax { Identifier.Text: "display" } display)
                edits.Add((display.Span, "Lesson.Show"));
        if (root.Members.LastOrDefault() is GlobalStatementSyntax { Statement: ExpressionStatementSyntax { SemicolonToken.IsMissing: true } last })
        {
            edits.Add((new TextSpan(last.Expression.SpanStart, 0), "Lesson.Show("));
            edits.Add((new TextSpan(last.Expression.Span.End, 0), ");"));
        }
        var text = new StringBuilder(code);
        foreach (var (span, replacement) in edits.OrderByDescending(e => e.Span.Start).ThenByDescending(e => e.Span.Length))
            text.Remove(span.Start, span.Length).Insert(span.Start, replacement);
        var diagnostics = CSharpSyntaxTree.ParseText(text.ToString(), Script).GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (diagnostics.Count > 0)
            throw new NotebookAppException($"{where}: the translated cell does not parse: {diagnostics[0].GetMessage()} (at {diagnostics[0].Location.GetLineSpan().StartLinePosition})");
        return text.ToString();
    }

    /// <summary>A C# raw string literal holding <paramref name="text"/>, with more quotes than any run in it.</summary>
    public static string RawString(string text)
    {
        int longest = 0, run = 0;
        foreach (char c in text) { run = c == '"' ? run + 1 : 0; longest = Math.Max(longest, run); }
        var quotes = new string('"', Math.Max(3, longest + 1));
        return quotes + "\n" + text + "\n" + quotes;
    }
}

/// <summary>A notebook construct the generator cannot turn into app code.</summary>
public sealed class NotebookAppException(string message) : Exception(message);
