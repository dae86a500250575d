using System.Text.Json;
using Farcluss.Config;
using Farcluss.Tests.Data;
using Farcluss.Training;

namespace Farcluss.Tests.Training;

/// <summary>Issue 21, item 6: numbers quoted in Markdown agree with the committed results they cite.</summary>
public sealed class ProseNumbersTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("prose-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    static AblationRun Run(string variant, int seed, double miou, double rarest, double[] perClass) => new()
    {
        Variant = variant, Settings = Variants.Get(variant), Seed = seed, Miou = miou, PerClassIou = perClass,
        StudentMiou = miou, RarestThreeIou = rarest, MsPerStep = 10, Steps = 100,
    };

    void WriteResults()
    {
        var report = new AblationReport
        {
            Command = "test", Preset = "workshop", ClassNames = ["background", "0", "1"], RarestClasses = [2],
            Runs =
            [
                Run("supervised", 0, 0.40, 0.10, [0.9, 0.2, 0.1]), Run("supervised", 1, 0.44, 0.20, [0.9, 0.3, 0.2]),
                Run("farcluss", 0, 0.50, 0.30, [0.9, 0.4, 0.3]), Run("farcluss", 1, 0.46, 0.20, [0.9, 0.3, 0.2]),
            ],
        };
        Directory.CreateDirectory(Path.Combine(root, "results"));
        File.WriteAllText(Path.Combine(root, "results", "a.json"), JsonSerializer.Serialize(report, AblationReport.Json));
    }

    void WriteRun()
    {
        string dir = Path.Combine(root, "results", "run-s0");
        Directory.CreateDirectory(dir);
        static string Eval(string split, string model, int step, double miou) =>
            $$$"""{"kind":"eval","eval":{"split":"{{{split}}}","model":"{{{model}}}","step":{{{step}}},"mean_io_u":{{{miou.ToString(System.Globalization.CultureInfo.InvariantCulture)}}},"per_class_io_u":[0.9,0.5,0.05]}}""";
        File.WriteAllLines(Path.Combine(dir, "metrics.jsonl"),
        [
            """{"kind":"step","step":1,"loss":1.0}""",
            Eval("validation", "teacher", 600, 0.30), Eval("validation", "student", 1200, 0.99),
            Eval("validation", "teacher", 1200, 0.41234), Eval("test", "teacher", 1200, 0.5), Eval("test", "student", 1200, 0.1),
        ]);
    }

    [Fact]
    public void A_results_file_gives_mean_and_sample_std_gains_per_seed_and_per_class_means()
    {
        WriteResults();
        string V(string q) => ProseNumbers.Value("results/a.json " + q, root);
        // farcluss 50 and 46: mean 48.0, sample std sqrt(2²+2²)/1 = 2.83 → 2.8.
        Assert.Equal("48.0 ± 2.8", V("farcluss"));
        Assert.Equal("48.0", V("farcluss mean"));
        // per seed: 50 − 40 = +10.0, 46 − 44 = +2.0; mean +6.0.
        Assert.Equal("+6.0", V("gain farcluss supervised"));
        Assert.Equal("+10.0, +2.0", V("gains farcluss supervised"));
        // rarest: 30 − 10 = 20, 20 − 20 = 0 → +10.0; supervised's mean 15.0.
        Assert.Equal("+10.0", V("rarest-gain farcluss supervised"));
        Assert.Equal("15.0", V("supervised rarest-mean"));
        // class "1" (column 2): supervised 10 and 20 → 15.0.
        Assert.Equal("15.0", V("supervised class 1"));
        Assert.Equal("2", V("seeds farcluss"));
    }

    [Fact]
    public void A_run_folder_gives_the_teachers_last_or_named_evaluation()
    {
        WriteRun();
        string V(string q) => ProseNumbers.Value("results/run-s0 " + q, root);
        Assert.Equal("41.2", V("validation")); // the teacher's last, not the student's 99
        Assert.Equal("30.0", V("validation at 600"));
        Assert.Equal("50.0", V("test"));
        Assert.Equal("5.0", V("test class 2")); // per_class_io_u[2]; column 0 is background
    }

    [Fact]
    public void A_wrong_number_is_found_with_its_line_and_update_rewrites_only_it()
    {
        WriteResults();
        string md = Path.Combine(root, "p.md");
        File.WriteAllText(md, "Title\n\nFARCLUSS <!--n results/a.json farcluss-->48.0 ± 2.8<!--/n--> and\n" +
                              "gain <!--n results/a.json gain farcluss supervised-->+5.5<!--/n--> (typed by hand).\n");
        var quotes = ProseNumbers.Check(md, root);
        Assert.Equal(2, quotes.Count);
        var wrong = Assert.Single(quotes, q => !q.Agrees);
        Assert.Equal(4, wrong.Line);
        Assert.Equal(("+5.5", "+6.0"), (wrong.Text, wrong.Expected));
        string updated = ProseNumbers.Update(File.ReadAllText(md), root);
        Assert.Equal(File.ReadAllText(md).Replace("-->+5.5<", "-->+6.0<"), updated);
    }

    [Fact]
    public void A_citation_of_something_absent_names_the_file_line_and_what_is_there()
    {
        WriteResults();
        string md = Path.Combine(root, "p.md");
        File.WriteAllText(md, "x <!--n results/a.json fuzzy-->1.0<!--/n-->\n");
        var e = Assert.Throws<KitException>(() => ProseNumbers.Check(md, root));
        Assert.Contains("p.md", e.Message);
        Assert.Contains("line 1", e.Message);
        Assert.Contains("no runs of variant 'fuzzy' (it has supervised, farcluss)", e.Message);
    }

    /// <summary>The kit's own Markdown: every quoted number agrees with the committed results.</summary>
    [Theory]
    [InlineData("README.md", 10)]
    [InlineData("results/README.md", 2)]
    [InlineData("notebooks/README.md", 0)]
    [InlineData("notebooks/TEACHING.md", 0)]
    [InlineData("results/search/README.md", 10)]
    [InlineData("docs/METHOD.md", 3)]
    public void The_kits_prose_quotes_the_committed_results(string file, int atLeast)
    {
        string repo = MnistTestData.RepoRoot();
        var quotes = ProseNumbers.Check(Path.Combine(repo, file), repo);
        Assert.True(quotes.Count >= atLeast, $"{file} quotes {quotes.Count} numbers through markers, expected at least {atLeast}");
        Assert.Empty(quotes.Where(q => !q.Agrees).Select(q => q.ToString() + " (fix with ./farcluss prose --update " + file + ")"));
    }
}
