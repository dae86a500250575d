using Farcluss.Evaluation;
using Farcluss.Tests.Data;
using Farcluss.Training;

namespace Farcluss.Tests.Reliability;

/// <summary>
/// Issue 5, "never leave a half-written file": whole files are replaced atomically (temporary file,
/// flush, rename) and the metrics file is appended one whole line at a time; a resumed run trims the
/// metrics back to its checkpoint, dropping a half line a power cut may have left.
/// </summary>
public class AtomicWriteTests
{
    const string Train3 = """{"kind":"train","stats":{"step":3,"loss":2.5}}""";
    const string Train6 = """{"kind":"train","stats":{"step":6,"loss":2.25}}""";
    const string Eval6 = """{"kind":"eval","eval":{"split":"validation","step":6,"mean_io_u":0.5}}""";
    const string Train9 = """{"kind":"train","stats":{"step":9,"loss":2}}""";
    const string HalfLine = """{"kind":"train","stats":{"step":1""";

    [Fact]
    public void MetricsAreCutBackToTheCheckpointStep()
    {
        using var dir = new TempDirectory();
        var path = dir.File("metrics.jsonl");
        // A run killed after writing step 9's line and half of step 12's, with its last checkpoint at step 6.
        File.WriteAllText(path, string.Join('\n', Train3, Train6, Eval6, Train9, HalfLine));

        using (var writer = new MetricsWriter(path, step: 6, totalSteps: 20))
            writer.Write(new EvalResult("test", "teacher", 20, 0.75, [0.5, 1.0], 0.9));

        // Kept: steps 3 and 6 and the periodic evaluation at 6 (it ran before the checkpoint and is not redone);
        // dropped: step 9 (redone after the resume) and the half line; then the new line, whole.
        Assert.Equal([Train3, Train6, Eval6,
                      """{"kind":"eval","eval":{"split":"test","model":"teacher","step":20,"mean_io_u":0.75,"per_class_io_u":[0.5,1],"pixel_accuracy":0.9}}"""],
                     File.ReadAllLines(path));
        Assert.EndsWith("}\n", File.ReadAllText(path));
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void AFinishedRunsFinalEvaluationIsRedoneNotDuplicated()
    {
        using var dir = new TempDirectory();
        var path = dir.File("metrics.jsonl");
        const string train20 = """{"kind":"train","stats":{"step":20}}""", eval20 = """{"kind":"eval","eval":{"step":20}}""";
        File.WriteAllLines(path, [Train6, train20, eval20]);
        // The checkpoint at the last step is written before the final evaluation, which a resume runs again.
        MetricsWriter.KeepLinesUpTo(path, step: 20, totalSteps: 20);
        Assert.Equal([Train6, train20], File.ReadAllLines(path));
        // A fresh run (step 0) in a folder that holds an old run's metrics starts a fresh file.
        using (new MetricsWriter(path)) { }
        Assert.Equal("", File.ReadAllText(path));
    }

    [Fact]
    public void AtomicFileReplacesTheWholeFileAndLeavesNoTemporary()
    {
        using var dir = new TempDirectory();
        var path = dir.File("results.json");
        File.WriteAllText(path, "old results");
        File.WriteAllText(path + ".tmp", "a write killed half way"); // left by an earlier kill
        AtomicFile.WriteAllText(path, "new results");
        Assert.Equal("new results", File.ReadAllText(path));
        Assert.False(File.Exists(path + ".tmp"));
    }
}
