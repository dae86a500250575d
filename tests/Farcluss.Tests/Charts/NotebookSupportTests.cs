using System.Text.RegularExpressions;
using Farcluss.Charts;
using Farcluss.Training;

namespace Farcluss.Tests.Charts;

/// <summary>Offline rendering, the FSharp.Core fix and the lesson helpers the notebooks' first cells use.</summary>
public class NotebookSupportTests
{
    static Plotly.NET.GenericChart SmallChart() => Plot.Chart([Plot.Bar("b", ["x", "y"], [1.0, 2.0])], Plot.Layout("t"));

    [Fact]
    public void ChartHtmlDrawsWithTheGlobalPlotlyAndFetchesNothing()
    {
        var html = OfflinePlotly.ChartHtml(SmallChart());
        Assert.Contains("Plotly.newPlot(", html);
        Assert.DoesNotContain("<script src", html);
        Assert.DoesNotContain("cdn", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("require(", html);
    }

    [Fact]
    public void PageCarriesPlotlyJsInlineExactlyOnce()
    {
        var page = OfflinePlotly.Page("two charts", [SmallChart(), SmallChart()]);
        Assert.Single(Regex.Matches(page, Regex.Escape("plotly.js v" + OfflinePlotly.PlotlyJsVersion)));
        Assert.Equal(2, Regex.Matches(page, "var renderPlotly_").Count); // one drawing function per chart
        Assert.True(OfflinePlotly.PlotlyJs.Length > 1_000_000, "plotly.js should be the full bundled library");
    }

    [Fact]
    public void NotebookHtmlWritesTheScriptWithTheFirstChartOnly()
    {
        lock (typeof(OfflinePlotly)) // the "written once" flag is per process
        {
            OfflinePlotly.ForgetScript();
            var first = OfflinePlotly.NotebookHtml(SmallChart());
            var second = OfflinePlotly.NotebookHtml(SmallChart());
            Assert.StartsWith("<script type=\"text/javascript\">", first);
            Assert.Contains("plotly.js v2.28.0", first);
            Assert.DoesNotContain("plotly.js v2.28.0", second);
            Assert.Contains("Plotly.newPlot(", second);
        }
    }

    [Fact]
    public void FSharpCoreRequestsResolveToTheLoadedOne()
    {
        _ = SmallChart(); // loads FSharp.Core
        FSharpCoreResolver.Install();
        FSharpCoreResolver.Install(); // idempotent
        var loaded = FSharpCoreResolver.LoadedFSharpCore();
        Assert.NotNull(loaded);
        var request = new System.Reflection.AssemblyName("FSharp.Core, Version=99.0.0.0");
        Assert.Same(loaded, FSharpCoreResolver.Resolve(System.Runtime.Loader.AssemblyLoadContext.Default, request));
        Assert.Null(FSharpCoreResolver.Resolve(System.Runtime.Loader.AssemblyLoadContext.Default, new System.Reflection.AssemblyName("Other")));
    }

    [Fact]
    public void RepositoryRootIsFoundUpwards()
    {
        var root = Directory.CreateTempSubdirectory("farcluss-root");
        try
        {
            File.WriteAllText(Path.Combine(root.FullName, "Farcluss.Kit.sln"), "");
            var nested = Directory.CreateDirectory(Path.Combine(root.FullName, "notebooks", "out"));
            Assert.Equal(root.FullName, Lesson.FindRepositoryRoot(nested.FullName));
        }
        finally { root.Delete(true); }
    }

    [Fact]
    public void ProgressLineShowsStepBarAndTimeLeft()
    {
        // Step 5 of 20: a quarter → 5 of 20 marks; 15 steps left × 200 ms = 3 s.
        var line = Lesson.Describe("run", new TrainingProgress(5, 20, 0.5, 200, "train"));
        Assert.Equal("run: step 5/20 [#####...............] loss 0.500, 200 ms/step, 3 s left (train)", line);
    }

    [Fact]
    public void ProgressIsThrottledButShowsPhaseChangesAndTheEnd()
    {
        var shown = new List<string>();
        var report = Lesson.Progress("run", shown.Add, everyMs: 60_000);
        report(new TrainingProgress(1, 3, 1, 10, "train"));    // first: shown
        report(new TrainingProgress(2, 3, 1, 10, "train"));    // within the minute: skipped
        report(new TrainingProgress(3, 3, 1, 10, "train"));    // last step: shown
        report(new TrainingProgress(3, 3, double.NaN, 10, "evaluate")); // phase change: shown
        Assert.Equal(3, shown.Count);
        Assert.Contains("(evaluate)", shown[^1]);
    }

    [Fact]
    public void ProgressLineOutsideANotebookEndsAtItsLastStep()
    {
        // No notebook kernel in a test: every state goes to the fallback, the last one at step 3/3.
        var lines = new List<string>();
        var previous = NotebookDisplay.Fallback;
        NotebookDisplay.Fallback = lines.Add;
        try
        {
            var progress = Lesson.ShowProgress("run", 3, everyMs: 60_000);
            for (int step = 1; step <= 3; step++) progress.Report(new TrainingProgress(step, 3, 1, 10, "train"));
            Assert.StartsWith("run: step 0/3", lines[0]);
            Assert.StartsWith("run: step 3/3", lines[^1]);
            Assert.Equal(lines[^1], progress.Text);
        }
        finally { NotebookDisplay.Fallback = previous; }
    }
}
