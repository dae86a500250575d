// Lesson 04-uncertainty-weight as a .NET file-based app, generated from notebooks/04-uncertainty-weight.ipynb by notebooks/tools/NotebookApps.
// Do not edit: edit the notebook, then regenerate every app with `dotnet run --project notebooks/tools/NotebookApps`
// (a test fails while an app is out of date with its notebook).
//
//   dotnet run notebooks/apps/04-uncertainty-weight.cs                     the workshop preset
//   FARCLUSS_SMOKE=1 dotnet run notebooks/apps/04-uncertainty-weight.cs    the smoke preset (seconds, as CI runs it)
//
// It writes the lesson's text, what it shows and its charts into one offline page,
// notebooks/html/apps/04-uncertainty-weight.html, and prints where. The kit's projects are referenced, not copied; package
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

var lessonPage = LessonPage.Start("04-uncertainty-weight");

lessonPage.Text("""
# 04 · Uncertainty-aware weighting

← Previous: [03 · Fuzzy pseudo-labels](03-fuzzy-labels.ipynb) · Next: [05 · Adaptive class rebalancing](05-class-rebalancing.ipynb) →

**You will learn**
- FARCLUSS's second part: a per-pixel weight from the normalised entropy of the teacher (`UncertaintyWeight`);
- where the teacher is uncertain, as entropy heatmaps over real canvases;
- whether the weight is a good confidence: pseudo-label accuracy against the weight.

**Time:** about a minute with the workshop preset on a 2-core CPU with the main job's runs (`./farcluss compare`) on disk (measured 56 s in Jupyter, [README](README.md)). Without them it first trains a 400-step teacher live (seconds), and its live comparison starts from that weaker teacher. Worked answers to the exercises: [solutions/04-uncertainty-weight-solutions.ipynb](solutions/04-uncertainty-weight-solutions.ipynb).
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

`H̃_i = −Σ_c p_i,c log p_i,c / log C` lies in [0, 1]: 0 for a one-hot teacher, 1 for a uniform one. The weight is

`w_i = (1 − H̃_i)^γ`, γ = 1.

No pixel is dropped and there is no threshold: an uncertain pixel still teaches, only less. The unsupervised loss is
`L_u = Σ_i w_i ρ_i · CE(q_i, s_i) / N_valid` (ρ is lesson 05's class weight). Dividing by the number of valid pixels,
not by Σ w, is what lets uncertainty lower a pixel's share.

Re-derive H̃ for one pixel by hand:
""");

// ---- code cell 3 ----
var p = new[] { 0.7, 0.2, 0.1 };
double byHand = -p.Sum(v => v * Math.Log(v)) / Math.Log(3);
var library = UncertaintyWeight.NormalizedEntropy(tensor(p.Select(v => (float)v).ToArray(), new long[] { 1, 3, 1, 1 })).item<float>();
Lesson.Show($"H̃ by hand {byHand:F5}, library {library:F5}; weight w = 1 − H̃ = {1 - byHand:F5} (γ = 1)");

lessonPage.Text("""
## Entropy over real canvases

The shared trained teacher of lessons 02–06 (the line below says where it comes from) on the weak view of some
unlabeled canvases: where is it unsure, and what weight does each pixel get?
""");

// ---- code cell 4 ----
var config = Lesson.Config;
var data = TrainingData.Load(config.Data);
var teacherRun = "the teacher of “Entropy over real canvases”";
var teacher = Lesson.Try(teacherRun, () => SharedTeacher.Load(config, data, liveSteps: Lesson.Pick(400, 20)));
var (images, hiddenMasks) = data.Unlabeled!.Batch(Enumerable.Range(0, Lesson.Pick(64, 8)).Select(i => (long)i).ToArray());
var teacherProbs = teacher?.Probabilities(images);
var gamma = 1.0; // ablation: try 0.5 or 3
var entropy = teacherProbs is null ? null : UncertaintyWeight.NormalizedEntropy(teacherProbs);
var uncertaintyWeights = teacherProbs is null ? null : UncertaintyWeight.Compute(teacherProbs, gamma);
if (teacher is not null)
{
    Lesson.Show(teacher.Summary);
    var panels = new List<Panel>();
    for (int i = 0; i < 3; i++)
    {
        panels.Add(Pictures.Image($"canvas {i}", images[i][0]));
        panels.Add(Pictures.Mask("hidden truth", hiddenMasks[i]));
        panels.Add(Pictures.Heat("entropy H̃", entropy![i]));
        panels.Add(Pictures.Heat($"weight (γ = {gamma})", uncertaintyWeights![i]));
    }
    Lesson.Show(LessonCharts.Pictures("Where the teacher is uncertain", panels, columns: 4, numClasses: data.NumClasses, classNames: data.ClassNames));
}

lessonPage.Text("""
## Is the weight a good confidence?

Bin the pixels by weight and measure, per bin, how often the teacher's argmax equals the hidden truth.
A useful weight has accuracy rising with it; the dotted line is each bin's share of the pixels.
""");

// ---- code cell 5 ----
var valid = hiddenMasks.ne(Labels.Ignore);
var correct = teacherProbs?.argmax(1).eq(hiddenMasks);
if (Lesson.Needs(teacherRun, correct))
    Lesson.Show(LessonCharts.Calibration(WeightCalibration.Bin(uncertaintyWeights!, correct!, valid, bins: 10), $"Pseudo-label accuracy against the weight (γ = {gamma})"));

// ---- code cell 6 ----
var digits = valid.logical_and(hiddenMasks.ge(1));
if (Lesson.Needs(teacherRun, correct))
    Lesson.Show($"mean weight: {uncertaintyWeights!.masked_select(valid).mean().item<float>():F3} over all valid pixels, {uncertaintyWeights.masked_select(digits).mean().item<float>():F3} on digit pixels; " +
            $"accuracy {100 * correct!.masked_select(valid).to_type(ScalarType.Float32).mean().item<float>():F1}% overall");

lessonPage.Text("""
## Ablation: train with and without the weight

Row 3 of the ladder (`Variants.Fuzzy`: w = 1) against row 4 (`Variants.Weight`: w = (1 − H̃)^γ), both from the same
teacher, the same number of steps. Change `gamma` above and rerun both cells.

**A quick demo, not a measurement.** A few hundred steps from an already trained teacher, one seed: the arms stay close
to the teacher, and their difference is within what another seed would change. The first chart puts them beside the
committed ablation's rows for the same two settings (fuzzy and weight: whole runs, several seeds,
`results/ablation.json`); the line above it prints both. The per-class chart and the weight-kept chart below show the
live runs' mechanism.
""");

// ---- code cell 7 ----
var steps = Lesson.Pick(200, 10);
var armsRun = "the runs of “Ablation: train with and without the weight”";
var results = new List<(string Name, TrainingResult Result)>();
if (Lesson.Needs(teacherRun, teacher))
    foreach (var (name, method) in new[] { ("w = 1", teacher!.Variant("fuzzy")), ($"w = (1 − H̃)^{gamma}", teacher.Variant("weight") with { EntropyGamma = gamma }) })
    {
        var result = Lesson.Try(armsRun, () => teacher.Continue($"{name}, from the teacher", method, steps, c => c with { LogEvery = Lesson.Pick(25, 5) }));
        if (result is null) break;
        results.Add((name, result));
    }
if (results.Count == 2)
{
    var committed = CommittedResults.Ablation(Lesson.RepositoryRoot);
    Lesson.Show($"live, {steps} steps from the teacher (test mIoU {100 * teacher!.Test.MeanIoU:F1}%), one seed: " +
            string.Join("; ", results.Select(r => $"{r.Name} {100 * r.Result.TeacherTest.MeanIoU:F1}%")) + "\n" + CommittedResults.Describe(committed, ["fuzzy", "weight"]));
    Lesson.Show(LessonCharts.LiveBesideCommitted($"Uncertainty weight: a {steps}-step live demo beside the committed runs", $"live demo: {steps} steps from the teacher, seed 0",
        [new("teacher (start)", teacher.Test.MeanIoU), new(results[0].Name, results[0].Result.TeacherTest.MeanIoU, "fuzzy"), new(results[1].Name, results[1].Result.TeacherTest.MeanIoU, "weight")], committed));
    Lesson.Show(LessonCharts.PerClassIou($"Uncertainty weight: per-class test IoU after {steps} steps from the same teacher (live demo)",
        results.Select(r => ($"{r.Name} (mIoU {100 * r.Result.TeacherTest.MeanIoU:F1}%)", r.Result.TeacherTest.PerClassIoU))
            .Prepend(($"teacher (start, mIoU {100 * teacher.Test.MeanIoU:F1}%)", teacher.Test.PerClassIoU)).ToList(), data.ClassNames));
}

// ---- code cell 8 ----
if (Lesson.Needs(armsRun, results.Count == 2 ? results : null))
    Lesson.Show(LessonCharts.Lines("Share of unlabeled pixel weight kept, and mean teacher entropy", "step (from the teacher)", "share of weight kept, and mean H̃ (both 0–1)",
        results.SelectMany(r => new[]
        {
            ($"{r.Name}: weight kept", r.Result.Log.Select(s => (double)s.Step).ToArray(), r.Result.Log.Select(s => s.WeightKept).ToArray()),
            ($"{r.Name}: mean H̃", r.Result.Log.Select(s => (double)s.Step).ToArray(), r.Result.Log.Select(s => s.MeanEntropy).ToArray()),
        }).ToList()));

lessonPage.Text("""
## Does it help? What the committed runs say

The live comparison above is a few hundred steps from one teacher: it shows the mechanism, not the part's value. That is
measured over whole runs and three seeds, in the ablations committed under `results/` (lesson 07 charts them), and in any search row under `results/search/` that isolates the part (one seed,
validation split; `ablation.json` is today's preset, `ablation-w20.json` the previous one: width 20, λ_u = 1): the ladder step that adds the weight (`weight` against `fuzzy`) and FARCLUSS against FARCLUSS
without it (`farcluss-no-weight`, w = 1).
The cell reads every committed comparison from the files and says on its first line how many reach +0.5 mIoU (the
kit's bar for "helps"); where none does, it says so. Read the rarest three beside mIoU.
""");

// ---- code cell 9 ----
// Every committed ablation under results/ and search row under results/search/, read now (PartEvidence): each pair of rows that isolates this part.
Lesson.Show(PartEvidence.Committed(Lesson.RepositoryRoot, "entropy weighting"));

lessonPage.Text("""
## Summary

- `UncertaintyWeight.Compute(teacherProbs, γ)` gives every pixel a weight in [0, 1] from the teacher's normalised entropy.
- Where the maps above show high entropy (digit edges, rare digits), the weight lowers those pixels' share without dropping them.
- The calibration chart checks the premise on this teacher: if accuracy rises with the weight, low-weight pixels are the
  ones most often wrong. A teacher can also be confidently wrong (a high weight on a wrong label); the weight cannot
  catch that, which is where confirmation bias comes from (lesson 07).

## Exercises

1. With γ = 3, how does the calibration chart change? And the share of weight kept?
2. Compare the weight with the hard threshold of lesson 02: what share of digit-edge pixels gets weight above 0.5?
3. The entropy uses the full distribution, not the top-K targets. Why? (Hint: what is the entropy of a K = 1 target?)

← Previous: [03 · Fuzzy pseudo-labels](03-fuzzy-labels.ipynb) · Next: [05 · Adaptive class rebalancing](05-class-rebalancing.ipynb) →
""");

lessonPage.Finish();
