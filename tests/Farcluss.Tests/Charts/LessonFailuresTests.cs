using Farcluss.Charts;
using Farcluss.Config;
using Farcluss.Training;

namespace Farcluss.Tests.Charts;

/// <summary>
/// Issue 25: a lesson whose training fails ends with one readable line (<see cref="Lesson.Try{T}"/>) and its later cells
/// say what they need (<see cref="Lesson.Needs"/>); a live demo is charted beside the committed rows and the committed
/// comparisons are computed, not typed (<see cref="LessonCharts.LiveBesideCommitted"/>, <see cref="CommittedResults.Compare"/>).
/// tests/shell/lesson-failure.sh checks the same in real notebooks.
/// </summary>
[Collection("lesson output")]
public class LessonFailuresTests
{
    sealed class Captured : ILessonOutput
    {
        public readonly List<object?> Shown = new();
        public void Text(string markdown) { }
        public void Show(object? value) => Shown.Add(value);
        public void ShowLine(string id, string text) { }
    }

    static List<object?> Capture(Action lesson)
    {
        var before = Lesson.Output;
        var captured = new Captured();
        Lesson.Output = captured;
        try { lesson(); }
        finally { Lesson.Output = before; }
        return captured.Shown;
    }

    [Fact]
    public void AFailedTrainingCellShowsOneLineAndALaterCellSaysWhatItNeeds()
    {
        const string what = "the teacher of “test cell”";
        string? result = "not run";
        bool ready = true;
        var shown = Capture(() =>
        {
            result = Lesson.Try<string>(what, () => throw new KitException("3 steps had a non-finite loss; stopping"));
            ready = Lesson.Needs(what, result);
        });
        Assert.Null(result);
        Assert.False(ready);
        Assert.Equal(2, shown.Count);
        var stop = Assert.IsType<string>(shown[0]);
        Assert.StartsWith("The teacher of “test cell” did not finish: 3 steps had a non-finite loss; stopping.", stop);
        Assert.DoesNotContain('\n', stop);
        var need = Assert.IsType<string>(shown[1]);
        Assert.StartsWith("This cell needs the teacher of “test cell”, which did not finish (3 steps had a non-finite loss; stopping)", need);
    }

    [Fact]
    public void ASuccessfulCellShowsNothingMoreAndLaterCellsRun()
    {
        const string what = "the run of “another cell”";
        var shown = Capture(() =>
        {
            Assert.Null(Lesson.Try<string>(what, () => throw new InvalidOperationException("first\nattempt")));
            Assert.Equal("done", Lesson.Try(what, () => "done"));
            Assert.True(Lesson.Needs(what, "done", 1));
        });
        // Only the first attempt's line; another exception is named by its type, on one line.
        Assert.Equal("The run of “another cell” did not finish: InvalidOperationException: first attempt.", ((string)shown.Single()!).Split(". The cells")[0] + ".");
    }

    [Fact]
    public void NeedsWithoutAFailureAsksForTheCellsAbove() =>
        Assert.Equal("This cell needs the data of “the first cell”: run the cells above it first (from the top), then this one.",
            Capture(() => Lesson.Needs("the data of “the first cell”", [null])).Single());

    static AblationRun Run(string variant, int seed, double miou, double rare) => new()
    {
        Variant = variant, Settings = new MethodSettings(), Seed = seed, Miou = miou, PerClassIou = [], StudentMiou = miou,
        RarestThreeIou = rare, MsPerStep = 1, Steps = 3600,
    };

    static readonly AblationReport Report = new()
    {
        Command = "test", Preset = "workshop", ClassNames = ["background", "0"], RarestClasses = [1],
        Runs = [Run("supervised", 0, 0.40, 0.10), Run("supervised", 1, 0.44, 0.12), Run("farcluss", 0, 0.45, 0.20), Run("farcluss", 1, 0.43, 0.16)],
    };

    [Fact]
    public void CompareComputesTheDifferencesPerSeedByHand() =>
        // mIoU means 0.44 and 0.42: +2.0 points; per seed 45 − 40 = +5.0 and 43 − 44 = −1.0; rarest three 0.18 − 0.11 = +7.0.
        Assert.Equal("farcluss − supervised: mIoU +2.0 points (44.0 against 42.0; per seed +5.0, -1.0, higher on 1 of 2), rarest three +7.0 (18.0 against 11.0)",
            CommittedResults.Compare(Report, "farcluss", "supervised"));

    [Fact]
    public void DescribeNamesTheCommittedRowsWithTheirSpread()
    {
        var line = CommittedResults.Describe(Report, ["supervised", "farcluss"]);
        Assert.Contains("whole runs of 3600 steps", line);
        Assert.Contains("supervised 42.0 ± 2.8% (2 seeds); farcluss 44.0 ± 1.4% (2 seeds)", line);
        Assert.StartsWith("no committed ablation", CommittedResults.Describe(null, ["supervised"]));
    }

    [Fact]
    public void TheLiveDemoAndTheCommittedRowsShareOneChartWithoutSharingBars()
    {
        var chart = LessonCharts.LiveBesideCommitted("t", "live", [new("teacher (start)", 0.41), new("without", 0.42, "supervised"), new("with", 0.43, "farcluss")], Report);
        var traces = Plot.Traces(chart);
        Assert.Equal(2, traces.Count);
        var x = (string[])Plot.Attribute(traces[0], "x")!;
        Assert.Equal(["live: teacher (start)", "live: without", "live: with", "committed: supervised", "committed: farcluss"], x);
        Assert.Equal([41.0, 42.0, 43.0, null, null], ((double?[])Plot.Attribute(traces[0], "y")!).Select(v => v is null ? (double?)null : Math.Round(v.Value, 6)));
        Assert.Equal([null, null, null, 42.0, 44.0], ((double?[])Plot.Attribute(traces[1], "y")!).Select(v => v is null ? (double?)null : Math.Round(v.Value, 6)));
        // Without a committed ablation the live bars stand alone.
        Assert.Single(Plot.Traces(LessonCharts.LiveBesideCommitted("t", "live", [new("with", 0.43, "farcluss")], null)));
    }
}
