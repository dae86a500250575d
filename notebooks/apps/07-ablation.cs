// Lesson 07-ablation as a .NET file-based app, generated from notebooks/07-ablation.ipynb by notebooks/tools/NotebookApps.
// Do not edit: edit the notebook, then regenerate every app with `dotnet run --project notebooks/tools/NotebookApps`
// (a test fails while an app is out of date with its notebook).
//
//   dotnet run notebooks/apps/07-ablation.cs                     the workshop preset
//   FARCLUSS_SMOKE=1 dotnet run notebooks/apps/07-ablation.cs    the smoke preset (seconds, as CI runs it)
//
// It writes the lesson's text, what it shows and its charts into one offline page,
// notebooks/html/apps/07-ablation.html, and prints where. The kit's projects are referenced, not copied; package
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

var lessonPage = LessonPage.Start("07-ablation");

lessonPage.Text("""
# 07 · FARCLUSS whole: the ablation ladder and the leave-one-out table

← Previous: [06 · Prototype contrastive regularisation](06-prototype-contrast.ipynb) · Next: [08 · What it costs](08-cost.ipynb) →

**You will learn**
- the whole FARCLUSS loss, and its ramp-up;
- the ablation ladder (supervised → hard → + fuzzy → + weight → + rebalancing → + contrast = FARCLUSS) and the
  leave-one-out rows, each one setting of the same trainer (`Variants`);
- how to read a short live run against the committed full results.

**Time:** about a minute with the workshop preset on a 2-core CPU (measured 66 s in Jupyter, [README](README.md)). Worked answers to the exercises: [solutions/07-ablation-solutions.ipynb](solutions/07-ablation-solutions.ipynb).
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

`L = L_s + λ_u L_u + λ_c L_con`, with λ_u = 1 in the paper (0.5 at the workshop preset, chosen on validation: docs/METHOD.md) and λ_c = 0.1, both ramped up by `exp(−5(1 − t/T_r)²)` from the end of the
supervised warm-up, over T_r = 10% of the steps after it. The student sees the labeled batch and the strong unlabeled batch in one forward pass; the
teacher (EMA) is the reported model. Every row of the ladder is a `MethodSettings` value:
""");

// ---- code cell 3 ----
// A row without unlabeled data uses none of the other settings: it says so rather than list values it ignores.
Lesson.Show(string.Join("\n", Variants.All.Select(v => (v.Name, Settings: Variants.Get(v.Name))).Select(v => v.Settings.UseUnlabeled
    ? $"{v.Name,-22} unlabeled=True  K={v.Settings.TopK} weighting={v.Settings.Weighting,-9} rebalancing={v.Settings.UseRebalancing,-5} contrast={v.Settings.Contrast}"
    : $"{v.Name,-22} unlabeled=False (labeled canvases only: no pseudo-labels, so no K, weighting, rebalancing or contrast)")));

lessonPage.Text("""
Re-derive the ramp by hand at a few points of T_r = 100 steps:
""");

// ---- code cell 4 ----
Lesson.Show(string.Join("; ", new[] { 0, 25, 50, 75, 100 }.Select(t => $"t={t}: {(t >= 100 ? 1 : Math.Exp(-5 * Math.Pow(1 - t / 100.0, 2))):F4} (library {Ramp.Sigmoid(t, 100):F4})")));

lessonPage.Text("""
## A short live run of the ladder: how it is run, not what it shows

Each variant trains 80 steps with one seed and is scored on 300 test canvases, so that six runs fit in a few minutes on
this CPU. That is far too short to show the ladder's shape: every row is still learning the easy classes, and the rows
end close together, near the bottom. What the live run shows is *how* a ladder is run (one trainer, one
`MethodSettings` value per row, `Ablation.RunOne`); the same chart puts the committed rows beside it (the full workshop
preset, three seeds each, `results/ablation.json`), and those are where the ladder's shape is read. The line above the
chart prints both. Change `variants`, `steps` or `seeds` and rerun.

The workshop preset trains on labeled data only for the first third of the steps (`WarmupFraction = 1/3`, a [kit]
setting): a teacher's early mistakes, trained in from step 1, cost the semi-supervised variants dearly in the search
without a warm-up (`results/search/README.md`, rows r4, r10 and r12). Every row inherits it, so in 80 live steps the teacher's targets count only for
the last two thirds. Exercise 4 switches it off.
""");

// ---- code cell 5 ----
var variants = new[] { "supervised", "hard", "fuzzy", "weight", "rebalance", "farcluss" }; // ablation: add "farcluss-no-fuzzy", ... (Variants.All)
var steps = Lesson.Pick(80, 10);
var seeds = new[] { 0 };
// A live run scores on 300 test (and 100 validation) canvases, so that six runs fit in a few minutes.
var config = Lesson.Config with { Steps = steps };
// config = config with { Method = config.Method with { WarmupFraction = 0 } }; // exercise 4: no supervised warm-up
config = config with { Data = config.Data with { M2Nist = config.Data.M2Nist with { ValidationCount = Lesson.Pick(100, config.Data.M2Nist.ValidationCount), TestCount = Lesson.Pick(300, config.Data.M2Nist.TestCount) } } };
var data = TrainingData.Load(config.Data);
var report = new AblationReport { Command = $"notebook 07, {Lesson.PresetName} preset, {steps} steps", Preset = Lesson.PresetName,
    ClassNames = data.ClassNames.ToArray(), RarestClasses = data.RarestClasses(3) };
// The live FARCLUSS row keeps its metrics.jsonl, for the confirmation-bias chart at the end of the lesson.
var liveRunFolder = Directory.CreateTempSubdirectory("farcluss-07-").FullName;
var ladderRun = "the live ladder of “A short live run of the ladder”";
bool ladderStopped = false; // a row that stops (Lesson.Try) ends the ladder: the later rows would stop the same way
foreach (var seed in seeds)
    foreach (var variant in variants.TakeWhile(_ => !ladderStopped))
    {
        var run = Lesson.Try(ladderRun, () => Ablation.RunOne(config, data, variant, seed, Lesson.ShowProgress($"{variant}, seed {seed}", steps).Report,
            variant == "farcluss" && seed == seeds[0] ? liveRunFolder : null));
        if (run is null) ladderStopped = true;
        else report.Runs.Add(run);
    }
if (ladderStopped) report = null;
if (report is not null)
{
    var committedAblation = CommittedResults.Ablation(Lesson.RepositoryRoot);
    var live = AblationSummary.Rows(report);
    Lesson.Show($"live, {steps} steps per row, {seeds.Length} seed(s), test mIoU: " + string.Join("; ", live.Select(r => $"{r.Variant} {100 * r.Miou:F1}%")) + "\n" +
            CommittedResults.Describe(committedAblation, variants));
    Lesson.Show(LessonCharts.LiveBesideCommitted($"The ladder: a live run of {steps} steps per row beside the committed runs", $"live: {steps} steps per row, {seeds.Length} seed(s)",
        live.Select(r => new LiveArm(r.Variant, r.Miou, r.Variant)).ToList(), committedAblation));
}

// ---- code cell 6 ----
if (Lesson.Needs(ladderRun, report))
    Lesson.Show(LessonCharts.PerClassIou($"Live run ({steps} steps per row, too few to rank the rows): per-class test IoU", report!.Runs.Select(r => (r.Variant, r.PerClassIou)).ToList(), data.ClassNames));

lessonPage.Text("""
## The committed full results

`./farcluss ablate --seeds 0,1,2` writes `results/ablation.json` and `results/ablation.md` (with the command that made them):
the ladder rows and the leave-one-out rows (FARCLUSS without each part), three seeds each, with the workshop preset.
The cell charts every committed result file: `ablation.json` is today's preset, `ablation-w20.json` the previous one
(width 20, λ_u = 1), `fashion-mnist.json` today's preset on Fashion-MNIST (supervised, hard and FARCLUSS only).
The search that chose the preset (every regime tried, on the validation split) is in `results/search/README.md`.
""");

// ---- code cell 7 ----
var committed = CommittedResults.Ablations(Lesson.RepositoryRoot);
if (committed.Count == 0) Lesson.Show("No committed results yet under results/: ./farcluss ablate --seeds 0,1,2 writes them.");
foreach (var (file, committedReport) in committed)
{
    // The report gathers runs from several `./farcluss ablate` invocations (each adds rows or seeds); its Command is only the
    // last one, so the line below counts what the file holds instead.
    var seedsOf = committedReport.Runs.GroupBy(r => r.Variant).Select(g => g.Select(r => r.Seed).Distinct().Count()).ToList();
    Lesson.Show($"{Path.GetRelativePath(Lesson.RepositoryRoot, file)}: {committedReport.Runs.Count} runs, {seedsOf.Count} variants, " +
            $"{(seedsOf.Min() == seedsOf.Max() ? $"{seedsOf.Min()} seeds each" : $"{seedsOf.Min()}–{seedsOf.Max()} seeds per variant")} " +
            $"(seeds {string.Join(", ", committedReport.Runs.Select(r => r.Seed).Distinct().Order())}), {committedReport.Preset} preset, scored on the {committedReport.Split} split");
    Lesson.Show(LessonCharts.Ablation($"{Path.GetFileName(file)}: {committedReport.Split} mIoU and rarest-three IoU (mean ± std over seeds)", AblationSummary.Rows(committedReport)));
}
Lesson.Show($"{committed.Count} committed result file(s); rows in ladder order (supervised → hard → fuzzy → weight → rebalance → farcluss), then the leave-one-out rows");

lessonPage.Text("""
## Where semi-supervision helped, and where it hurt

The committed ablation above is the kit's measurement at the workshop preset (`results/ablation.md` has the command that made it,
written as `results/ablation-w16` and renamed once every row had three seeds: `results/README.md`; and each run's `config.json` under `results/ablation-runs/` its settings; the first third of the steps
is supervised).
The cell below prints its rows from `results/ablation.json`, and the comparisons this reading refers to, so every
number you read here comes from the committed file, not from the text.

- **Where it helped.** Compare FARCLUSS with supervised training in the printed lines: the difference in mIoU and in the
  rarest three digits, and on how many seeds FARCLUSS was higher. The search shows when a gain appears (`results/search/README.md`, rows r10–r11, at the
  previous preset), and the two-regime chart at the end of this lesson shows it at today's preset: supervised training
  saturates early in the schedule, and FARCLUSS keeps learning after its warm-up. With scarce labels and a long schedule the unlabeled canvases carry
  information the few labeled ones do not.
- **Where it can hurt: hard pseudo-labels.** Mean teacher with hard, thresholded pseudo-labels is the row to compare
  with supervised training (printed below). When it scores lower, that is **confirmation bias**: the teacher labels the
  unlabeled canvases, the student learns those labels, and the teacher is an average of the student, so a confident
  mistake comes back as a target and is never corrected. A 0.95 threshold does not stop it: it keeps the teacher's confident mistakes (lesson 02 shows what it keeps and how
  often that is wrong), and the committed hard run logs how often its teacher's foreground pseudo-labels were right
  (right-hand panel of the workshop-preset chart at the end of this lesson).
- **A weak teacher hurts more.** Without the warm-up the teacher's targets count from step 1, while the teacher still
  confuses digits: in the search that chose the preset (`results/search/README.md`, row r10 against r11, and rows
  r4–r7 at an earlier preset) the semi-supervised variants then ended below supervised training. The preset's warm-up
  (the first third of the steps supervised) is there so that the teacher is worth listening to before it is listened to.
- **The evidence, per class.** The chart below reads a committed run's own log (`results/ablation-runs/`): per true
  class, how often the teacher's pseudo-label was right on the unlabeled canvases (against their hidden masks, which no
  loss reads), beside the class weight r_c that rebalancing gave the class. A class with low accuracy and a large r_c
  is one whose errors are trained in harder; the rarest digits are where that happens.
- **Which part carries the gain.** Climbing the ladder (hard → fuzzy → weight → rebalance → farcluss), each printed
  comparison is one part added; the leave-one-out rows take one part out of FARCLUSS. A part whose difference is
  smaller than the rows' spread over seeds (the ± and the error bars) has no measurable effect at this preset. At an
  earlier preset (96×96, 1200 steps) rebalancing lowered the rarest three (`git show 24b04ec:results/ablation.md`): up-weighting the tail
  helps when the teacher is right about the tail often enough, and trains its mistakes in when it is not.
- **Each part, where it helped and where it did not.** The last cell of this section prints, for each of the four
  parts, every committed comparison that isolates it (the ladder step that adds it, and FARCLUSS against FARCLUSS without
  it) in every ablation under `results/` (`ablation.json` at today's preset, `ablation-w20.json` at the previous one:
  width 20, λ_u = 1; test split, three seeds) and in every search row that isolates it (`results/search/`, one seed, validation
  split; each row's config is in `results/search/configs/`). A part whose line counts no comparison at +0.5 mIoU or more did not help measurably in any run
  committed here, and the line says so; search rows that try other settings (fewer labels, more digits per
  canvas) appear in the same lines once they are committed; a setting with no row there is not measured. A difference smaller than the rows' spread over seeds (the ± above) is not a measured effect either.

Lessons 02–06 showed each part's mechanism on one trained teacher over a few hundred steps; this table, over whole runs
and seeds, is where a part's value is measured.
""");

// ---- code cell 8 ----
// The numbers the section above refers to, read from results/ablation.json (ladder order), and the comparisons it names.
var ablation = CommittedResults.Ablation(Lesson.RepositoryRoot);
if (ablation is not null)
{
    Lesson.Show($"results/ablation.json ({ablation.Preset} preset, {ablation.Split} split):\n" + string.Join("\n", AblationSummary.Rows(ablation).Select(r =>
        $"{r.Variant,-22} mIoU {100 * r.Miou,5:F1} ± {100 * r.MiouStd:F1}   rarest-three IoU {100 * r.RarestThreeIou,5:F1} ± {100 * r.RarestThreeIouStd:F1}   ({r.Seeds} seeds)")));
    Lesson.Show(string.Join("\n", new[]
    {
        ("farcluss", "supervised"), ("hard", "supervised"), ("farcluss", "hard"),
        ("fuzzy", "hard"), ("weight", "fuzzy"), ("rebalance", "weight"), ("farcluss", "rebalance"),
        ("farcluss-no-rebalance", "farcluss"), ("farcluss-no-fuzzy", "farcluss"), ("farcluss-no-weight", "farcluss"),
    }.Select(p => CommittedResults.Compare(ablation, p.Item1, p.Item2))));
}

// Confirmation-bias evidence from a run's metrics.jsonl: the committed ablation's FARCLUSS run (seed 0), else the main
// job's run when it matches this preset, else the live row above. Accuracy is averaged over the semi-supervised steps.
var committedRun = Path.Combine(Lesson.RepositoryRoot, "results", "ablation-runs", "farcluss-s0", "metrics.jsonl");
var mainJob = WorkshopRuns.Find(Lesson.RepositoryRoot, Lesson.PresetName, "farcluss", 0, WorkshopRuns.ConfigOf(Lesson.Config, "farcluss", 0));
var (metricsPath, source) = !Lesson.Smoke && File.Exists(committedRun)
    ? (committedRun, "the committed ablation's FARCLUSS run, results/ablation-runs/farcluss-s0")
    : mainJob.Usable
        ? (mainJob.MetricsPath, $"the main job's run {Path.GetRelativePath(Lesson.RepositoryRoot, mainJob.Directory)} (finished {mainJob.Finished:yyyy-MM-dd HH:mm} UTC; {WorkshopRuns.Describe(mainJob.Config!)})")
        : (Path.Combine(liveRunFolder, "metrics.jsonl"), $"the live FARCLUSS row above ({steps} steps)");
if (Lesson.Needs(ladderRun, File.Exists(metricsPath) ? metricsPath : null))
{
    var curves = RunCurves.Read(metricsPath);
    double warmupEnd = Lesson.Config.Method.WarmupFraction * (metricsPath == committedRun ? Lesson.Config.Steps : steps);
    var evidence = new StepStats
    {
        Step = (long)curves.LogSteps[^1],
        PseudoLabelAccuracyPerClass = curves.PseudoLabelAccuracyPerClassAfter(warmupEnd),
        ClassWeights = curves.ClassWeights[^1],
    };
    Lesson.Show($"evidence from {source}: pseudo-label accuracy averaged over the steps after {warmupEnd:0} (the semi-supervised phase), r_c at step {evidence.Step}");
    Lesson.Show(LessonCharts.PseudoLabelEvidence("The teacher's pseudo-labels per true class, and the weight r_c rebalancing gave each class", evidence, data.ClassNames));
}

// ---- code cell 9 ----
// Each of the four parts, in every ablation committed under results/ and every search row (PartEvidence): the pairs of rows that isolate it,
// how many reach +0.5 mIoU, and each difference over the seeds both rows have.
Lesson.Show(PartEvidence.Committed(Lesson.RepositoryRoot));

lessonPage.Text("""
## Two regimes on the same data: a short schedule from scratch, and the workshop preset

Same canvases (64×64, 1/32 labeled), seed 0, from committed runs' `metrics.jsonl` (row r12 used the previous preset's
width and λ_u: each run's `config.json` has its settings): left, the teacher's
validation mIoU over training; right, its foreground pseudo-label accuracy on the unlabeled canvases (how often a digit
pixel's pseudo-label names the right digit).
- **Short schedule, no warm-up** (`results/search/` row r12, 1200 steps): the teacher's targets count from step 1, while
  the teacher is still weak. Its foreground pseudo-labels are often wrong, the student learns those mistakes, and both
  semi-supervised variants end *below* supervised training (the lines under the charts print each run's final validation and test mIoU): confirmation bias.
- **The workshop preset** (3600 steps, the first third supervised): supervised training saturates early, the
  semi-supervised phase starts from a teacher that is right more often (the right-hand chart), and FARCLUSS keeps
  climbing after supervised has stopped.
""");

// ---- code cell 10 ----
RunCurves[] RegimeRuns(params string[] folder) => new[] { "supervised", "hard", "farcluss" }
    .Select(v => Path.Combine(new[] { Lesson.RepositoryRoot }.Concat(folder).Append($"{v}-s0").Append("metrics.jsonl").ToArray()))
    .Where(File.Exists).Select(path => RunCurves.Read(path)).ToArray();
var shortRegime = RegimeRuns("results", "search", "r12-64-1of32-w20-1200-nowarmup");
var workshopRegime = RegimeRuns("results", "ablation-runs");
if (shortRegime.Length > 0) Lesson.Show(LessonCharts.Regime("Short schedule, no warm-up (1200 steps, search row r12): semi-supervision hurts", shortRegime));
if (workshopRegime.Length > 0) Lesson.Show(LessonCharts.Regime("Workshop preset (committed ablation runs, first third supervised)", workshopRegime));
Lesson.Show(string.Join("\n", shortRegime.Select(r => ("r12", r)).Concat(workshopRegime.Select(r => ("workshop", r))).Select(x =>
    $"{x.Item1,-9} {x.Item2.Name,-14} validation mIoU {100 * x.Item2.ValidationMiou.LastOrDefault(double.NaN),5:F1}   test mIoU {100 * x.Item2.TestMiou,5:F1}")));

lessonPage.Text("""
## Summary

- FARCLUSS is one trainer; the ladder and the leave-one-out rows are values of `MethodSettings` (`Variants.All`), run by `Ablation.RunOne`.
- A short live run shows how the ladder is run, not its shape: in a few dozen steps every row is still near where it started. Conclusions need the full preset and several seeds (mean ± std), as the committed results have, charted beside the live rows.
- Read the rarest-three IoU beside mIoU: rebalancing and contrast are aimed at the tail, and at this preset the tail is
  where the teacher's mistakes (confirmation bias) show first; the section above reads the committed numbers.

## Exercises

1. Add the leave-one-out rows (`farcluss-no-fuzzy`, `farcluss-no-weight`, `farcluss-no-rebalance`) to `variants`: which part matters most here?
2. Run two more seeds: do any two adjacent rows' error bars overlap?
3. Pass `runDirectory` to `Ablation.RunOne` and open the `metrics.jsonl` it writes: when does the pseudo-label accuracy stop rising?
4. Uncomment the line that sets `WarmupFraction = 0` and rerun the ladder: what happens to the rarest digits when the teacher's targets count from step 1?

← Previous: [06 · Prototype contrastive regularisation](06-prototype-contrast.ipynb) · Next: [08 · What it costs](08-cost.ipynb) →
""");

lessonPage.Text("""
## Appendix: one training step, as the library runs it

Every row above is `Trainer.TrainStep` with other settings. Here is that method as it is in `lib/` (read from the file,
so it cannot go stale): the views, the student, L_s, then after the warm-up the teacher's p, the targets q (§1), the
weights w (§2), the class frequencies f updated and the pixel class weights ρ (§3), L_u, the contrastive term (§4,
the prototype memory updated on its own line) and the total.
""");

// ---- code cell 11 ----
var trainerLines = File.ReadAllLines(Path.Combine(Lesson.RepositoryRoot, "lib", "Farcluss", "Training", "Trainer.cs"));
int stepStart = Array.FindIndex(trainerLines, l => l.Contains("public void TrainStep()"));
int stepEnd = Array.FindIndex(trainerLines, stepStart, l => l == "    }");
Lesson.Show(string.Join("\n", trainerLines[stepStart..(stepEnd + 1)]));

lessonPage.Text("""
Then the whole unsupervised loss on a real batch: `L_u = Σ_i w_i ρ_i · CE(q_i, s_i) / N_valid`, computed by
`UnsupervisedLoss.Compute` (which takes w and ρ apart and multiplies them itself) and once more by hand. The teacher
and student are a FARCLUSS trainer's after a few steps without warm-up, the batch eight unlabeled canvases with their
strong view (CutMix included).
""");

// ---- code cell 12 ----
var stepConfig = Lesson.Config with { Steps = Lesson.Pick(40, 6), Method = Lesson.Config.Method with { WarmupFraction = 0 } };
var stepData = TrainingData.Load(stepConfig.Data);
var stepTrainer = new Trainer(stepConfig, stepData);
while (stepTrainer.Step < stepConfig.Steps) stepTrainer.TrainStep();

var unlabeled = UnlabeledBatch.Draw(stepData.Unlabeled!, Enumerable.Range(0, 8).Select(i => (long)i).ToArray(), stepConfig.Augment,
    cutMix: true, new Generator(7UL), stepTrainer.Device);
var normalization = stepData.Labeled.Normalization;
Tensor teacherProbs, studentLogits;
using (no_grad())
{
    stepTrainer.Teacher.eval();
    stepTrainer.Student.eval();
    teacherProbs = unlabeled.Mix(nn.functional.softmax(stepTrainer.Teacher.call(normalization.Apply(unlabeled.Weak)).Logits, 1));
    studentLogits = stepTrainer.Student.call(normalization.Apply(unlabeled.Strong)).Logits;
}
var fuzzyTargets = FuzzyPseudoLabels.Compute(teacherProbs, stepConfig.Method.TopK);        // q, §1
var uncertaintyWeights = UncertaintyWeight.Of(stepConfig.Method, teacherProbs);            // w, §2
var pixelClassWeights = stepTrainer.Rebalancer!.PixelClassWeights(fuzzyTargets);           // ρ, §3
double library = UnsupervisedLoss.Compute(studentLogits, fuzzyTargets, uncertaintyWeights, pixelClassWeights, unlabeled.Valid).item<float>();

// By hand: CE(q, s) = −Σ_c q_c log softmax(s)_c per pixel, weighted by w·ρ, summed over the valid pixels, divided by their count.
var crossEntropy = -(fuzzyTargets * nn.functional.log_softmax(studentLogits, 1)).sum(1);
var validPixels = unlabeled.Valid.to(ScalarType.Float32);
double byHand = ((uncertaintyWeights * pixelClassWeights * crossEntropy * validPixels).sum() / validPixels.sum()).item<float>();
double meanW = ((uncertaintyWeights * validPixels).sum() / validPixels.sum()).item<float>();
double meanRho = ((pixelClassWeights * validPixels).sum() / validPixels.sum()).item<float>();
stepTrainer.Dispose();
Lesson.Show($"L_u on {validPixels.sum().item<float>():F0} valid pixels of 8 unlabeled canvases: UnsupervisedLoss.Compute {library:F6}, by hand {byHand:F6} " +
$"(mean w {meanW:F3}, mean ρ {meanRho:F3}, after {stepConfig.Steps} steps)");

lessonPage.Finish();
