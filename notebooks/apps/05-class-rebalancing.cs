// Lesson 05-class-rebalancing as a .NET file-based app, generated from notebooks/05-class-rebalancing.ipynb by notebooks/tools/NotebookApps.
// Do not edit: edit the notebook, then regenerate every app with `dotnet run --project notebooks/tools/NotebookApps`
// (a test fails while an app is out of date with its notebook).
//
//   dotnet run notebooks/apps/05-class-rebalancing.cs                     the workshop preset
//   FARCLUSS_SMOKE=1 dotnet run notebooks/apps/05-class-rebalancing.cs    the smoke preset (seconds, as CI runs it)
//
// It writes the lesson's text, what it shows and its charts into one offline page,
// notebooks/html/apps/05-class-rebalancing.html, and prints where. The kit's projects are referenced, not copied; package
// versions come from the repository's Directory.Packages.props.
#:project ../../lib/Farcluss.Charts/Farcluss.Charts.csproj
#:package libtorch-cpu-linux-x64
#:property PublishAot=false
#:property Configuration=Release

using System.IO;
using Farcluss;
using Farcluss.Charts;
using Farcluss.Config;
using Farcluss.Data;
using Farcluss.Evaluation;
using Farcluss.Losses;
using Farcluss.Models;
using Farcluss.Runtime;
using Farcluss.Training;
using TorchSharp;
using static TorchSharp.torch;

var lessonPage = LessonPage.Start("05-class-rebalancing");

lessonPage.Text("""
# 05 · Adaptive class rebalancing

← Previous: [04 · Uncertainty-aware weighting](04-uncertainty-weight.ipynb) · Next: [06 · Prototype contrastive regularisation](06-prototype-contrast.ipynb) →

**You will learn**
- FARCLUSS's third part: per-class loss weights from smoothed pseudo-label frequencies (`ClassRebalancer`);
- how the frequencies f_c and weights r_c move during training;
- per-class IoU with and without rebalancing, and what the exponent β does.

**Time:** about a minute with the workshop preset on a 2-core CPU with the main job's runs (`./farcluss compare`) on disk (measured 54 s in Jupyter, [README](README.md)). Without them it first trains a 400-step teacher live (seconds), and its live comparison starts from that weaker teacher. Worked answers to the exercises: [solutions/05-class-rebalancing-solutions.ipynb](solutions/05-class-rebalancing-solutions.ipynb).
""");

// ---- code cell 1 ----
// Makes libtorch loadable, fixes Plotly.NET's FSharp.Core request, finds the repository, picks the
// preset (FARCLUSS_SMOKE=1: the smoke preset and tiny sizes, as CI runs the lessons).
Lesson.Show(Farcluss.Charts.Lesson.Setup());

// ---- code cell 2 ----
// The namespaces every lesson uses and the offline chart formatter, in one file for all ten lessons.
// (The notebook registers its offline chart formatter here; the app's page draws charts itself.)

lessonPage.Text("""
## Theory

- Batch frequency from the fuzzy targets over valid unlabeled pixels: `n_c = Σ_i q_i,c`, `f̂_c = n_c / Σ_k n_k`.
- Smoothed: `f_c ← m f_c + (1 − m) f̂_c`, m = 0.9, f starts uniform.
- Weights: `r̃_c = min((f_c + ε)^(−β), r_max)`, β = 0.5, ε = 1e-6, r_max = 50; then `r_c = r̃_c / Σ_k f_k r̃_k`,
  so that under f the average pixel's class weight is exactly 1 (`Σ_c f_c r_c = 1`).
- Pixel class weight `ρ_i = Σ_c q_i,c r_c`, multiplied into L_u with lesson 04's uncertainty weight w_i: each pixel's loss weight is w_i ρ_i.

Re-derive r for three classes by hand:
""");

// ---- code cell 3 ----
var f = new[] { 0.7, 0.2, 0.1 };
var rTilde = f.Select(v => Math.Min(Math.Pow(v + 1e-6, -0.5), 50)).ToArray();
var byHand = rTilde.Select(v => v / f.Zip(rTilde, (a, b) => a * b).Sum()).ToArray();
var rebalancer = new ClassRebalancer(3, new MethodSettings()) { Frequencies = tensor(f.Select(v => (float)v).ToArray()) };
var library = rebalancer.ClassWeights().to_type(ScalarType.Float64).data<double>().ToArray();
Lesson.Show($"r by hand [{string.Join(", ", byHand.Select(v => v.ToString("F4")))}], library [{string.Join(", ", library.Select(v => v.ToString("F4")))}]; Σ f r = {f.Zip(library, (a, b) => a * b).Sum():F6}");

lessonPage.Text("""
## f_c and r_c over training

`Variants.Rebalance` is FARCLUSS without the contrastive term (ladder row 5). It starts from the shared trained teacher
of lessons 02–06 (the first line below says where it comes from). The trainer logs f and r every `LogEvery` steps.
""");

// ---- code cell 4 ----
#nullable enable // this cell writes nullable types (T?); a cell is compiled without a nullable context otherwise
var config = Lesson.Config;
var data = TrainingData.Load(config.Data);
var teacherRun = "the teacher of “f_c and r_c over training”";
var teacher = Lesson.Try(teacherRun, () => SharedTeacher.Load(config, data, liveSteps: Lesson.Pick(400, 20)));
if (teacher is not null) Lesson.Show(teacher.Summary);
var steps = Lesson.Pick(200, 20);
var withRun = "the run with rebalancing of “f_c and r_c over training”";
double[]? finalFrequencies = null;
var withRebalancing = teacher is null ? null : Lesson.Try(withRun, () =>
{
    using var trainer = teacher.StartTrainer(teacher.Variant("rebalance"), steps, c => c with { LogEvery = Lesson.Pick(20, 5) });
    trainer.OnProgress = Lesson.ShowProgress("with rebalancing, from the teacher", steps).Report;
    var result = trainer.Run();
    finalFrequencies = trainer.Rebalancer!.Frequencies.to_type(ScalarType.Float64).data<double>().ToArray();
    return result;
});
if (withRebalancing is not null) Lesson.Show(LessonCharts.ClassStatistics(withRebalancing.Log, data.ClassNames));

lessonPage.Text("""
## Per-class IoU with and without

The same run without rebalancing is `Variants.Weight` (ladder row 4): same teacher, same number of steps.

**A quick demo, not a measurement.** A few hundred steps from an already trained teacher, one seed: both arms stay close
to the teacher, and which one ends higher can change with the seed. The first chart puts them beside the committed
ablation's rows for the same two settings (weight and rebalance: whole runs, several seeds, `results/ablation.json`),
and the line above it prints both; the committed runs' own f_c, r_c and pseudo-label accuracy are further down.
""");

// ---- code cell 5 ----
var withoutRun = "the run without rebalancing of “Per-class IoU with and without”";
var withoutRebalancing = withRebalancing is null ? null : Lesson.Try(withoutRun, () => teacher!.Continue("without rebalancing, from the teacher", teacher.Variant("weight"), steps));
if (Lesson.Needs(withRun, withRebalancing) && withoutRebalancing is not null)
{
    var committedAblation = CommittedResults.Ablation(Lesson.RepositoryRoot);
    Lesson.Show($"live, {steps} steps from the teacher (test mIoU {100 * teacher!.Test.MeanIoU:F1}%), one seed: without rebalancing {100 * withoutRebalancing.TeacherTest.MeanIoU:F1}%, " +
            $"with {100 * withRebalancing!.TeacherTest.MeanIoU:F1}%\n" + CommittedResults.Describe(committedAblation, ["weight", "rebalance"]));
    Lesson.Show(LessonCharts.LiveBesideCommitted($"Class rebalancing: a {steps}-step live demo beside the committed runs", $"live demo: {steps} steps from the teacher, seed 0",
        [new("teacher (start)", teacher.Test.MeanIoU), new("without (weight)", withoutRebalancing.TeacherTest.MeanIoU, "weight"),
         new("with (rebalance)", withRebalancing.TeacherTest.MeanIoU, "rebalance")], committedAblation));
    Lesson.Show(LessonCharts.PerClassIou($"Class rebalancing: per-class test IoU after {steps} steps from the same teacher (live demo)",
        [($"teacher (start, mIoU {100 * teacher.Test.MeanIoU:F1}%)", teacher.Test.PerClassIoU),
         ($"without (mIoU {100 * withoutRebalancing.TeacherTest.MeanIoU:F1}%)", withoutRebalancing.TeacherTest.PerClassIoU),
         ($"with (mIoU {100 * withRebalancing.TeacherTest.MeanIoU:F1}%)", withRebalancing.TeacherTest.PerClassIoU)], data.ClassNames));
}

lessonPage.Text("""
## Ablation: the exponent β

For the frequencies reached at the end of the run above, the class weights each β would give. β = 0 switches rebalancing
off (every r_c = 1); β = 1 weights inversely to frequency up to the cap r_max: classes whose weight
reaches the cap share one weight, which after the normalisation Σ_c f_c r_c = 1 can end below what β = 0.5 gives them. Change `betas` and rerun; to train with another β, use
`Variants.Rebalance with { RebalanceBeta = 1 }` in the cell above.
""");

// ---- code cell 6 ----
var betas = new[] { 0.0, 0.25, 0.5, 1.0 }; // try others
if (Lesson.Needs(withRun, finalFrequencies))
{
    var rows = betas.Select(beta =>
    {
        using var r = new ClassRebalancer(data.NumClasses, new MethodSettings { RebalanceBeta = beta }) { Frequencies = tensor(finalFrequencies!.Select(v => (float)v).ToArray()) };
        return ($"β = {beta}", r.ClassWeights().to_type(ScalarType.Float64).data<double>().ToArray());
    }).ToList();
    Lesson.Show(LessonCharts.Distributions("Class weights r_c for the final frequencies, by β", rows, data.ClassNames, yTitle: "class weight r_c"));
}

lessonPage.Text("""
## What the committed ablation says

A few hundred live steps show the mechanism; whether it helps the tail is measured by the main ablation over whole runs
and three seeds (`results/ablation.md`, lesson 07). This cell reads it rather than quoting it, so the lesson and the
committed results cannot disagree: the rarest-three IoU of ladder row 4 (no rebalancing) against row 5 (rebalancing),
then every committed comparison that isolates rebalancing (ladder rows 4 → 5, and FARCLUSS against FARCLUSS without it)
in each ablation under `results/` and each search row under `results/search/`, with how many reach +0.5 mIoU.
""");

// ---- code cell 7 ----
var committed = CommittedResults.Ablation(Lesson.RepositoryRoot);
var weightRow = committed is null ? null : CommittedResults.Row(committed, "weight");
var rebalanceRow = committed is null ? null : CommittedResults.Row(committed, "rebalance");
if (weightRow is null || rebalanceRow is null)
    Lesson.Show("results/ablation.json has no weight and rebalance rows yet (ladder rows 4 and 5): `./farcluss ablate` writes them; lesson 07 shows what it has.");
else
    Lesson.Show($"results/ablation.json ({committed!.Preset} preset, {committed.Split} split, {rebalanceRow.Seeds} seeds): rarest-three IoU " +
            $"({string.Join(", ", committed.RarestClasses.Select(c => committed.ClassNames[c]))}) {100 * weightRow.RarestThreeIou:F1}% without rebalancing (weight), " +
            $"{100 * rebalanceRow.RarestThreeIou:F1}% with it (rebalance); mIoU {100 * weightRow.Miou:F1}% → {100 * rebalanceRow.Miou:F1}%");
// Every pair of committed rows that isolates rebalancing, in every ablation under results/ and search row (PartEvidence), and how many reach +0.5 mIoU.
Lesson.Show(PartEvidence.Committed(Lesson.RepositoryRoot, "class rebalancing"));

lessonPage.Text("""
## Does rebalancing help the tail here? The committed runs' own f_c, r_c and pseudo-label accuracy

The committed ablation keeps each run's `metrics.jsonl` (`results/ablation-runs/<variant>-s<seed>/`). Below, from seed 0 of
the workshop preset: the FARCLUSS run's smoothed pseudo-label frequencies f_c and class weights r_c over its
semi-supervised steps (its first third is a supervised warm-up in which the rebalancer counts nothing, so the chart starts at the first logged step after it), then, per true class, how often
the teacher's pseudo-label was right on the unlabeled canvases over the last quarter of training (against their hidden
masks, which no loss reads), with and without rebalancing, and the test IoU each run reached.
""");

// ---- code cell 8 ----
var runsFolder = Path.Combine(Lesson.RepositoryRoot, "results", "ablation-runs");
var tailRuns = new[] { "farcluss-no-rebalance", "farcluss" }
    .Select(v => Path.Combine(runsFolder, $"{v}-s0", "metrics.jsonl")).Where(File.Exists).Select(path => RunCurves.Read(path)).ToList();
var rarest = new[] { "7", "8", "9" }.Select(n => data.ClassNames.ToList().IndexOf(n)).ToArray();
if (tailRuns.Count == 0)
    Lesson.Show("results/ablation-runs/ has no farcluss-s0 or farcluss-no-rebalance-s0 run: results/run-ablation.sh writes them.");
else
{
    var farclussRun = tailRuns.Last();
    double lastQuarter = 0.75 * farclussRun.LogSteps[^1];
    // The numbers the reading below refers to, from the committed runs (not typed into the text).
    var lastF = farclussRun.ClassFrequencies[^1];
    var lastR = farclussRun.ClassWeights[^1];
    Lesson.Show($"{farclussRun.Name} at step {farclussRun.LogSteps[^1]:0}: f_c of background {100 * lastF[0]:F1}%, of digits 7, 8, 9 " +
            string.Join(", ", rarest.Select(c => $"{100 * lastF[c]:F2}%")) + $"; r_c of background {lastR[0]:F2}, of digits 7, 8, 9 " + string.Join(", ", rarest.Select(c => $"{lastR[c]:F1}")));
    Lesson.Show("pseudo-label accuracy of digits 7, 8, 9 over the last quarter: " + string.Join("; ", tailRuns.Select(r =>
        $"{r.Name} " + string.Join(", ", rarest.Select(c => $"{100 * r.PseudoLabelAccuracyPerClassAfter(lastQuarter)[c]:F0}%")) +
        $" (test mIoU {100 * r.TestMiou:F1}%, rarest three {100 * rarest.Average(c => r.TestPerClassIou[c]):F1}%)")));
    Lesson.Show(LessonCharts.ClassStatistics(farclussRun.Log(), data.ClassNames));
    Lesson.Show(LessonCharts.PerClassValues("Teacher's pseudo-label accuracy per true class, last quarter of training (seed 0)", "pseudo-label accuracy (%)",
        tailRuns.Select(r => (r.Name, r.PseudoLabelAccuracyPerClassAfter(lastQuarter))).ToList(), data.ClassNames));
    Lesson.Show(LessonCharts.PerClassIou("Per-class test IoU, with and without rebalancing (seed 0)", tailRuns.Select(r => (r.Name, r.TestPerClassIou)).ToList(), data.ClassNames));
}

lessonPage.Text("""
How to read it, at this preset (test split; `results/ablation.md` has every row with its seeds; the two lines above
print the values this reading refers to):
- **f_c**: background takes by far the most pseudo-labels and the rarest digits a tiny share, so r_c gives background a
  weight below 1 and the rare digits weights well above 1 (β = 0.5: r ∝ f^−½, capped at r_max = 50).
- **Accuracy per class** is the deciding quantity. Where the teacher is right about a rare digit often enough,
  up-weighting it adds more right targets than wrong ones, and the student learns the tail from thousands of unlabeled
  canvases instead of the few labeled ones. Where the teacher hardly ever predicts a digit, or is mostly wrong about it,
  a large r_c multiplies wrong or absent targets: rebalancing amplifies whatever the teacher believes about the tail and
  cannot create a class the teacher never predicts. The printed accuracies of digits 7, 8 and 9 say which case each
  digit is in at this preset. Ladder rows 4 → 5 (weight → rebalance) and the leave-one-out row (FARCLUSS without
  rebalancing) measure the net effect; the cell under "What the committed ablation says" prints them.
- At an earlier preset (96×96, 1200 steps) the same weights lowered the rarest-three IoU: there the teacher had
  stopped predicting the rarest digits.
- At a milder imbalance (below, seed 0, search row r13) the teacher's pseudo-labels for the rarest digits are right
  more often; compare its accuracy chart with the one above, and read in its printed line whether rebalancing lifts
  the tail there. Not every tail class need gain: compare the per-class bars digit by digit.
""");

lessonPage.Text("""
## The same question at imbalance ratio 5 (search row r13)

The workshop data make digit 9 twenty times rarer than digit 0. With a milder imbalance (ratio 5: the rarest digit 5
times rarer) the teacher sees more of the tail during the supervised warm-up. Search row r13 is the previous workshop preset (search row r11: width 20, λ_u = 1) with `imbalance_ratio` 5, seed 0;
compare its pattern with the charts above, not its numbers (`results/search/README.md`, command in each run's
`command.txt`). The cell reads its three committed runs: supervised, FARCLUSS without rebalancing, FARCLUSS.
""");

// ---- code cell 9 ----
var r13 = Path.Combine(Lesson.RepositoryRoot, "results", "search", "r13-r11-imbalance5");
var mild = new[] { "supervised", "farcluss-no-rebalance", "farcluss" }
    .Select(v => Path.Combine(r13, $"{v}-s0", "metrics.jsonl")).Where(File.Exists).Select(path => RunCurves.Read(path)).ToList();
var tail = new[] { "9", "8", "7" }.Select(n => data.ClassNames.ToList().IndexOf(n)).ToArray();
if (mild.Count < 3)
    Lesson.Show("results/search/r13-r11-imbalance5/ lacks a run: results/search/run-queue.sh results/search/queue-s5.txt trains them.");
else
{
    Lesson.Show(string.Join("; ", mild.Select(r => $"{r.Name}: test mIoU {100 * r.TestMiou:F1}%, rarest three {100 * tail.Average(c => r.TestPerClassIou[c]):F1}%")));
    double lastQuarter = 0.75 * mild[^1].LogSteps[^1];
    Lesson.Show(LessonCharts.PerClassValues("Imbalance 5: teacher's pseudo-label accuracy per true class, last quarter (seed 0)", "pseudo-label accuracy (%)",
        mild.Skip(1).Select(r => (r.Name, r.PseudoLabelAccuracyPerClassAfter(lastQuarter))).ToList(), data.ClassNames));
    Lesson.Show(LessonCharts.PerClassIou("Imbalance 5: per-class test IoU (seed 0)", mild.Select(r => (r.Name, r.TestPerClassIou)).ToList(), data.ClassNames));
}

lessonPage.Text("""
## Summary

- `ClassRebalancer` keeps smoothed pseudo-label frequencies on the device and turns them into weights that average to 1 under f.
- Background, the most frequent pseudo-label, gets a weight below 1 and rare digits above 1: the charts show it (f_c
  and r_c over training, and r_c by β with every class on the axis).
- Up-weighting a class up-weights the teacher's pseudo-labels *for* it, right or wrong. So rebalancing helps the tail
  only where the teacher is right about the tail often enough. The committed ablations show both sides: at an earlier
  workshop preset (96×96, 1200 steps) it lowered the rarest-three IoU (`git show 24b04ec:results/ablation.md`: a weak
  teacher, confirmation bias, lesson 07); what it does at today's preset (`results/ablation.json`) and at the previous
  one (`results/ablation-w20.json`) is printed above from the committed files, not typed here, so the lesson follows the committed results when they are regenerated.
- β sets how hard: 0 is off, 0.5 the kit's default, 1 inverse frequency up to r_max (the classes at the cap share one
  weight: the β chart shows which).

## Exercises

1. Set `RebalanceMomentum = 0` (the paper's pure batch-level form): how noisy do the r_c lines get?
2. Generate M2NIST-LT with `ImbalanceRatio = 1` (lesson 00) and rerun: does rebalancing still change anything?
3. Why are the frequencies computed from the fuzzy targets q rather than the hidden truth?

← Previous: [04 · Uncertainty-aware weighting](04-uncertainty-weight.ipynb) · Next: [06 · Prototype contrastive regularisation](06-prototype-contrast.ipynb) →
""");

lessonPage.Finish();
