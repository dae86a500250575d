using System.Text.RegularExpressions;
using Farcluss.Charts;

namespace Farcluss.Tests.Charts;

/// <summary>The page a lesson's file-based app writes (issue 23): its text, values, last progress states and charts, offline.</summary>
public class LessonPageTests
{
    static Plotly.NET.GenericChart SmallChart() => Plot.Chart([Plot.Bar("b", ["x", "y"], [1.0, 2.0])], Plot.Layout("t"));

    [Fact]
    public void PageHoldsTextValuesLinesAndChartsInOrderWithPlotlyJsOnce()
    {
        var console = new List<string>();
        var page = new LessonPage("99-title", Path.GetTempPath(), console.Add);
        page.Text("# 99 · Title\n\nNext: [04](04-uncertainty-weight.ipynb)");
        page.Show("a < b");
        page.ShowLine("p", "run: step 0/2");
        page.Show(SmallChart());
        page.ShowLine("p", "run: step 2/2");
        page.Show(null);
        page.Show(SmallChart());
        var html = page.Html();

        Assert.Contains("<title>99 · Title</title>", html);
        Assert.Contains("<h1", html);
        Assert.Contains("href=\"04-uncertainty-weight.html\"", html); // links between lessons lead to the pages
        Assert.Single(Regex.Matches(html, Regex.Escape("plotly.js v" + OfflinePlotly.PlotlyJsVersion)));
        Assert.Equal(2, Regex.Matches(html, "var renderPlotly_[0-9a-f]+ = function").Count);
        Assert.Equal(2, page.Charts);
        Assert.Contains("<pre>a &lt; b</pre>", html);
        Assert.Contains("<pre>run: step 2/2</pre>", html);           // the line's last state, where it was first shown
        Assert.DoesNotContain("step 0/2", html);
        Assert.True(html.IndexOf("a &lt; b") < html.IndexOf("step 2/2") && html.IndexOf("step 2/2") < html.IndexOf("renderPlotly_"));
        Assert.DoesNotContain("src=\"http", html);
        Assert.Equal(["a < b", "run: step 0/2", "[chart 1]", "run: step 2/2", "[chart 2]"], console); // every state on the console
    }

    [Fact]
    public void FinishWritesThePageAndSaysWhere()
    {
        var folder = Directory.CreateTempSubdirectory("farcluss-page").FullName;
        try
        {
            var console = new List<string>();
            var page = new LessonPage("99-title", Path.Combine(folder, "apps"), console.Add);
            page.Show(SmallChart());
            var path = page.Finish();
            Assert.Equal(Path.Combine(folder, "apps", "99-title.html"), path);
            Assert.Equal(page.Html(), File.ReadAllText(path));
            Assert.Equal($"page: {path} (1 charts)", console[^1]);
        }
        finally { Directory.Delete(folder, true); }
    }
}
