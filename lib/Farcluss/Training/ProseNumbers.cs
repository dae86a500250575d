using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Farcluss.Training;

/// <summary>
/// Numbers quoted in Markdown prose, checked against the committed results they cite (and rewritten from them by
/// `farcluss prose --update`), so that a README cannot go on quoting a result that was since run again.
/// A quoted number is written <c>&lt;!--n SOURCE QUANTITY--&gt;TEXT&lt;!--/n--&gt;</c>; Markdown renders only TEXT.
/// SOURCE is a path from the repository root, either an ablation results file (<c>results/ablation.json</c>) or a run
/// folder holding <c>metrics.jsonl</c> (<c>results/search/r22-r11-w16/farcluss-s0</c>). QUANTITY, in % with one
/// decimal as the results tables print it:
/// <list type="bullet">
/// <item>results file: <c>VARIANT</c> (mIoU, mean ± std over seeds), <c>VARIANT mean</c>, <c>VARIANT rarest</c>
/// (rarest-three IoU, mean ± std), <c>VARIANT rarest-mean</c>, <c>VARIANT class NAME</c> (per-class IoU, mean),
/// <c>gain VARIANT BASELINE</c> (mean over the seeds both have, signed), <c>gains VARIANT BASELINE</c> (per seed,
/// "+4.6, +4.7, +7.3"), <c>rarest-gain VARIANT BASELINE</c>, <c>seeds VARIANT</c> (how many);</item>
/// <item>run folder: <c>test</c> or <c>validation</c> (the teacher's mIoU at its last evaluation on that split),
/// <c>validation at STEP</c> (at that step's evaluation), <c>test class N</c> / <c>validation class N</c> (the IoU of
/// per-class column N, 0 = background, at the last evaluation).</item>
/// </list>
/// The split is the results file's own (<see cref="AblationReport.Split"/>), as in its table.
/// </summary>
public static class ProseNumbers
{
    static readonly Regex Marker = new(@"<!--n (?<key>[^>]*?)-->(?<text>.*?)<!--/n-->", RegexOptions.Compiled);

    /// <summary>One quoted number: where it is, what it cites, what the prose says and what the results say.</summary>
    public sealed record Quote(string File, int Line, string Key, string Text, string Expected)
    {
        public bool Agrees => Text == Expected;
        public override string ToString() => $"{File}:{Line}: `{Key}` says {Text}, the results say {Expected}";
    }

    /// <summary>Every quoted number in the Markdown file, with the value its source gives now.</summary>
    public static IReadOnlyList<Quote> Check(string markdownPath, string repositoryRoot)
    {
        string text = File.ReadAllText(markdownPath);
        var cache = new Dictionary<string, object>();
        var quotes = new List<Quote>();
        foreach (Match m in Marker.Matches(text))
        {
            int line = 1 + text.AsSpan(0, m.Index).Count('\n');
            string key = m.Groups["key"].Value.Trim();
            string expected;
            try { expected = Value(key, repositoryRoot, cache); }
            catch (KitException e) { throw new KitException($"line {line}: `{key}`: {e.Message}", markdownPath, e); }
            quotes.Add(new Quote(markdownPath, line, key, m.Groups["text"].Value, expected));
        }
        return quotes;
    }

    /// <summary>The Markdown with every quoted number rewritten from its source.</summary>
    public static string Update(string markdown, string repositoryRoot)
    {
        var cache = new Dictionary<string, object>();
        return Marker.Replace(markdown, m =>
        {
            string key = m.Groups["key"].Value.Trim();
            return $"<!--n {key}-->{Value(key, repositoryRoot, cache)}<!--/n-->";
        });
    }

    /// <summary>The text a quantity has in its source now (see the class comment for the forms of <paramref name="key"/>).</summary>
    public static string Value(string key, string repositoryRoot) => Value(key, repositoryRoot, new Dictionary<string, object>());

    static string Value(string key, string repositoryRoot, Dictionary<string, object> cache)
    {
        string[] words = key.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 2) throw new KitException("a quoted number needs a source and a quantity, e.g. `results/ablation.json farcluss`");
        string source = Path.Combine(repositoryRoot, words[0]);
        string[] q = words[1..];
        if (words[0].EndsWith(".json", StringComparison.Ordinal))
        {
            if (!cache.TryGetValue(source, out var report))
            {
                if (!File.Exists(source)) throw new KitException("no such results file", words[0]);
                cache[source] = report = AblationReport.FromJson(File.ReadAllText(source), words[0]);
            }
            return FromReport((AblationReport)report, q, words[0]);
        }
        string metrics = Path.Combine(source, "metrics.jsonl");
        if (!cache.TryGetValue(metrics, out var evals))
        {
            if (!File.Exists(metrics)) throw new KitException("neither a results .json file nor a run folder with metrics.jsonl", words[0]);
            cache[metrics] = evals = TeacherEvaluations(metrics);
        }
        return FromRun((List<(string Split, int Step, double[] Iou)>)evals, q, words[0]);
    }

    static string FromReport(AblationReport report, string[] q, string source)
    {
        bool validation = report.Split == "validation";
        double Miou(AblationRun r) => validation ? r.ValidationMiou ?? double.NaN : r.Miou;
        double Rarest(AblationRun r) => validation ? r.ValidationRarestThreeIou ?? double.NaN : r.RarestThreeIou;
        List<AblationRun> Runs(string variant)
        {
            var runs = report.Runs.Where(r => r.Variant == variant).OrderBy(r => r.Seed).ToList();
            return runs.Count > 0 ? runs : throw new KitException($"no runs of variant '{variant}' (it has {string.Join(", ", report.Runs.Select(r => r.Variant).Distinct())})", source);
        }
        List<(int Seed, double Miou, double Rarest)> Gains(string variant, string baseline)
        {
            var of = Runs(variant).ToDictionary(r => r.Seed);
            var pairs = Runs(baseline).Where(b => of.ContainsKey(b.Seed))
                .Select(b => (b.Seed, Miou(of[b.Seed]) - Miou(b), Rarest(of[b.Seed]) - Rarest(b))).ToList();
            return pairs.Count > 0 ? pairs : throw new KitException($"'{variant}' and '{baseline}' share no seed", source);
        }
        return q switch
        {
            [var v] => AblationReport.Pm(Runs(v).Select(Miou)),
            [var v, "mean"] => AblationReport.Percent(Runs(v).Average(Miou)),
            [var v, "rarest"] => AblationReport.Pm(Runs(v).Select(Rarest)),
            [var v, "rarest-mean"] => AblationReport.Percent(Runs(v).Average(Rarest)),
            [var v, "class", var name] => AblationReport.Percent(Runs(v).Average(r =>
                (validation ? r.ValidationPerClassIou ?? throw new KitException("no validation per-class IoU", source) : r.PerClassIou)[ClassIndex(report, name, source)])),
            ["gain", var v, var b] => AblationReport.Signed(Gains(v, b).Average(p => p.Miou)),
            ["gains", var v, var b] => string.Join(", ", Gains(v, b).Select(p => AblationReport.Signed(p.Miou))),
            ["rarest-gain", var v, var b] => AblationReport.Signed(Gains(v, b).Average(p => p.Rarest)),
            ["seeds", var v] => Runs(v).Count.ToString(CultureInfo.InvariantCulture),
            _ => throw new KitException($"unknown quantity '{string.Join(' ', q)}' for a results file", source),
        };
    }

    static int ClassIndex(AblationReport report, string name, string source)
    {
        int i = Array.IndexOf(report.ClassNames, name);
        return i >= 0 ? i : throw new KitException($"no class named '{name}' (classes: {string.Join(", ", report.ClassNames)})", source);
    }

    static string FromRun(List<(string Split, int Step, double[] Iou)> evals, string[] q, string source)
    {
        double[] At(string split, int? step) => evals.LastOrDefault(e => e.Split == split && (step is null || e.Step == step)).Iou
            ?? throw new KitException($"metrics.jsonl has no {split} evaluation of the teacher{(step is null ? "" : $" at step {step}")}", source);
        return q switch
        {
            [var split] when split is "test" or "validation" => AblationReport.Percent(At(split, null)[0]),
            [var split, "at", var s] when split is "test" or "validation" && int.TryParse(s, CultureInfo.InvariantCulture, out int step) =>
                AblationReport.Percent(At(split, step)[0]),
            [var split, "class", var n] when split is "test" or "validation" && int.TryParse(n, CultureInfo.InvariantCulture, out int c) =>
                c >= 0 && c < At(split, null).Length - 1 ? AblationReport.Percent(At(split, null)[c + 1])
                    : throw new KitException($"class {c} is out of range (the run has {At(split, null).Length - 1} classes)", source),
            _ => throw new KitException($"unknown quantity '{string.Join(' ', q)}' for a run folder (test, validation, validation at STEP, test class N, validation class N)", source),
        };
    }

    /// <summary>The teacher's evaluations in file order: split, step, and mIoU followed by the per-class IoUs.</summary>
    static List<(string Split, int Step, double[] Iou)> TeacherEvaluations(string metricsPath)
    {
        var all = new List<(string, int, double[])>();
        foreach (string line in File.ReadLines(metricsPath))
        {
            if (!line.Contains("\"kind\":\"eval\"", StringComparison.Ordinal)) continue;
            using var doc = JsonDocument.Parse(line);
            var e = doc.RootElement.GetProperty("eval");
            if (e.GetProperty("model").GetString() != "teacher") continue;
            all.Add((e.GetProperty("split").GetString()!, e.GetProperty("step").GetInt32(),
                [e.GetProperty("mean_io_u").GetDouble(), .. e.GetProperty("per_class_io_u").EnumerateArray().Select(x => x.GetDouble())]));
        }
        return all;
    }
}
