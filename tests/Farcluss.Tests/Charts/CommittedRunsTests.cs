using Farcluss;
using Farcluss.Charts;

namespace Farcluss.Tests.Charts;

/// <summary>Reading a run's metrics.jsonl back for the lesson charts of committed runs.</summary>
public class CommittedRunsTests
{
    [Fact]
    public void Read_takes_the_teachers_validation_curve_the_pseudo_label_accuracy_and_the_final_test()
    {
        // Two logged intervals, a validation evaluation at step 2 (teacher) and one of the student (ignored),
        // and the final test evaluation; "NaN" is how the trainer writes a NaN.
        var path = Path.Combine(Path.GetTempPath(), $"farcluss-curves-{Guid.NewGuid():N}", "farcluss-s0", "metrics.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllLines(path, [
            """{"kind":"train","stats":{"step":1,"foreground_pseudo_label_accuracy":"NaN","pseudo_label_accuracy_per_class":[],"class_frequencies":[],"class_weights":[]}}""",
            """{"kind":"train","stats":{"step":2,"foreground_pseudo_label_accuracy":0.625,"pseudo_label_accuracy_per_class":[1,0.5],"class_frequencies":[0.9,0.1],"class_weights":[0.5,2.5]}}""",
            """{"kind":"eval","eval":{"split":"validation","model":"teacher","step":2,"mean_io_u":0.25,"per_class_io_u":[0.5,0]}}""",
            """{"kind":"eval","eval":{"split":"validation","model":"student","step":2,"mean_io_u":0.75,"per_class_io_u":[1,0.5]}}""",
            """{"kind":"eval","eval":{"split":"test","model":"teacher","step":2,"mean_io_u":0.375,"per_class_io_u":[0.75,0]}}""",
        ]);
        var run = RunCurves.Read(path);
        Assert.Equal("farcluss-s0", run.Name);
        Assert.Equal([2.0], run.EvalSteps);
        Assert.Equal([0.25], run.ValidationMiou);
        Assert.Equal([1.0, 2.0], run.LogSteps);
        Assert.True(double.IsNaN(run.ForegroundPseudoLabelAccuracy[0]));
        Assert.Equal(0.625, run.ForegroundPseudoLabelAccuracy[1]);
        Assert.Equal([0.5, 2.5], run.ClassWeights[1]);
        Assert.Equal(0.375, run.TestMiou);
        Assert.Equal([0.75, 0.0], run.TestPerClassIou);
        // After step 1 only the second interval counts: per-class accuracy 1 and 0.5.
        Assert.Equal([1.0, 0.5], run.PseudoLabelAccuracyPerClassAfter(1));
        Assert.Equal([0.9, 0.1], run.Log()[1].ClassFrequencies);
    }

    [Fact]
    public void A_line_that_is_not_json_is_an_error_naming_the_file_and_line()
    {
        var path = Path.Combine(Path.GetTempPath(), $"farcluss-curves-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(path, ["""{"kind":"train","stats":{"step":1}}""", "{half a line"]);
        var e = Assert.Throws<KitException>(() => RunCurves.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("line 2", e.Message);
    }
}
