// Lesson 03-fuzzy-labels as a .NET file-based app, generated from notebooks/03-fuzzy-labels.ipynb by notebooks/tools/NotebookApps.
// Do not edit: edit the notebook, then regenerate every app with `dotnet run --project notebooks/tools/NotebookApps`
// (a test fails while an app is out of date with its notebook).
//
//   dotnet run notebooks/apps/03-fuzzy-labels.cs                     the workshop preset
//   FARCLUSS_SMOKE=1 dotnet run notebooks/apps/03-fuzzy-labels.cs    the smoke preset (seconds, as CI runs it)
//
// It writes the lesson's text, what it shows and its charts into one offline page,
// notebooks/html/apps/03-fuzzy-labels.html, and prints where. The kit's projects are referenced, not copied; package
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

var lessonPage = LessonPage.Start("03-fuzzy-labels");

lessonPage.Text("""
# 03 · Fuzzy pseudo-labels: top-K soft targets

← Previous: [02 · Mean teacher and hard pseudo-labels](02-mean-teacher-hard-labels.ipynb) · Next: [04 · Uncertainty-aware weighting](04-uncertainty-weight.ipynb) →

**You will learn**
- FARCLUSS's first part: soft targets from the teacher's K most likely classes (`FuzzyPseudoLabels.Compute`);
- what the targets look like for a real, uncertain pixel with K = 1, 2, 3 and C;
- how K changes training (K = 1 is the hard pseudo-label).

**Time:** about a minute with the workshop preset on a 2-core CPU with the main job's runs (`./farcluss compare`) on disk (measured 57 s in Jupyter, [README](README.md)). Without them it first trains a 400-step teacher live (seconds), and its live comparison starts from that weaker teacher. Worked answers to the exercises: [solutions/03-fuzzy-labels-solutions.ipynb](solutions/03-fuzzy-labels-solutions.ipynb).
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

For pixel i with teacher distribution p_i, let `S_K(i)` be its K most likely classes. The fuzzy target is

`q_i,c = p_i,c / Σ_{k∈S_K(i)} p_i,k` for c ∈ S_K(i), else 0.

K = 1 gives the one-hot hard pseudo-label; K = C keeps the whole distribution. The loss is the cross-entropy
`CE(q_i, s_i) = −Σ_c q_i,c s_i,c` against the student's log-probabilities s_i on the strong view. The kit's default is K = 3:
a digit pixel that the teacher hesitates between "3", "5" and "8" teaches all three, in proportion.

Re-derive one target by hand and check it against the library:
""");

// ---- code cell 3 ----
var p = new[] { 0.5f, 0.3f, 0.15f, 0.05f }; // one pixel, 4 classes
var probs = tensor(p, new long[] { 1, 4, 1, 1 });
var library = FuzzyPseudoLabels.Compute(probs, 2).flatten().data<float>().ToArray();
var byHand = new[] { 0.5 / 0.8, 0.3 / 0.8, 0, 0 }; // top-2 = classes 0 and 1, renormalised by 0.5 + 0.3
Lesson.Show($"K = 2 by hand: [{string.Join(", ", byHand.Select(v => v.ToString("F4")))}], library: [{string.Join(", ", library.Select(v => v.ToString("F4")))}]");

lessonPage.Text("""
## Targets for a real pixel

Take the shared trained teacher (lesson 02: the main job's supervised run, or a short live one; the line below says
which), then pick the least confident digit pixel among some unlabeled canvases. The student would see this pixel in the
strong view (lesson 02: jitter, blur, CutMix); its target comes from the teacher's weak view.
""");

// ---- code cell 4 ----
#nullable enable // this cell writes nullable types (T?); a cell is compiled without a nullable context otherwise
var config = Lesson.Config;
var data = TrainingData.Load(config.Data);
var teacherRun = "the teacher of “Targets for a real pixel”";
var teacher = Lesson.Try(teacherRun, () => SharedTeacher.Load(config, data, liveSteps: Lesson.Pick(400, 20)));
var (images, hiddenMasks) = data.Unlabeled!.Batch(Enumerable.Range(0, Lesson.Pick(32, 8)).Select(i => (long)i).ToArray());
var teacherProbs = teacher?.Probabilities(images);
var digitPixels = hiddenMasks.ge(1).logical_and(hiddenMasks.ne(Labels.Ignore));
Tensor? pixelProbs = null;
if (teacher is not null)
{
    Lesson.Show(teacher.Summary);
    // The digit pixel (true class ≥ 1) whose top probability is lowest.
    var confidence = teacherProbs!.amax(new long[] { 1 });
    long flatIndex = confidence.masked_fill(digitPixels.logical_not(), 2.0).flatten().argmin().item<long>();
    long h = images.shape[2], w = images.shape[3];
    long b = flatIndex / (h * w), y = flatIndex / w % h, x = flatIndex % w;
    pixelProbs = teacherProbs[b].select(1, y).select(1, x).reshape(1, -1, 1, 1); // [1, C, 1, 1]
    Lesson.Show($"canvas {b}, pixel ({y}, {x}): true class '{data.ClassNames[(int)hiddenMasks[b, y, x].item<long>()]}', teacher's top probability {confidence[b, y, x].item<float>():F3}");
}

// ---- code cell 5 ----
var ks = new[] { 1, 2, 3, data.NumClasses }; // ablation: try other K
if (Lesson.Needs(teacherRun, pixelProbs))
    Lesson.Show(LessonCharts.Distributions("Fuzzy targets q for one uncertain pixel",
        ks.Select(k => ($"K = {k}", FuzzyPseudoLabels.Compute(pixelProbs!, k).flatten().to_type(ScalarType.Float64).data<double>().ToArray())).ToList(), data.ClassNames));

lessonPage.Text("""
How much of the teacher's probability mass does top-K keep, over all valid pixels of these canvases?
""");

// ---- code cell 6 ----
var valid = hiddenMasks.ne(Labels.Ignore);
if (Lesson.Needs(teacherRun, teacherProbs))
    Lesson.Show(string.Join("; ", ks.Select(k =>
    {
        var (topProbs, _) = teacherProbs!.topk(k, dim: 1);
        var mass = topProbs.sum(1);
        return $"K = {k}: {100 * mass.masked_select(valid).mean().item<float>():F2}% on average, {100 * mass.masked_select(digitPixels).mean().item<float>():F2}% on digit pixels";
    })));

lessonPage.Text("""
## Ablation: train with K = 1 against K = 3

`Variants.Fuzzy` is the ladder's row 3: fuzzy targets with weight 1, no rebalancing, no contrast. Both runs start from the
same teacher and train the same number of steps, so the difference is K's. Change `compareKs` and rerun.

**A quick demo, not a measurement.** A few hundred steps from an already trained teacher, one seed: both arms stay close
to the teacher they started from, and their difference is within what another seed would change. The first chart puts
them beside the committed ablation's rows that compare K over whole runs and several seeds (`results/ablation.json`):
hard pseudo-labels (K = 1, with the 0.95 threshold) and fuzzy targets (K = 3, the kit's default). The line above it
prints both; the per-class chart below it is the live demo's.
""");

// ---- code cell 7 ----
var compareKs = new[] { 1, 3 }; // try { 1, 2, 3, 11 }
var steps = Lesson.Pick(200, 10);
var armsRun = "the runs of “Ablation: train with K = 1 against K = 3”";
var runs = new List<(string Name, double[] Iou)>();
var arms = new List<LiveArm>();
if (Lesson.Needs(teacherRun, teacher))
{
    runs.Add(($"teacher (start, mIoU {100 * teacher!.Test.MeanIoU:F1}%)", teacher.Test.PerClassIoU));
    arms.Add(new("teacher (start)", teacher.Test.MeanIoU));
    foreach (var k in compareKs)
    {
        var result = Lesson.Try(armsRun, () => teacher.Continue($"fuzzy K = {k}, from the teacher", teacher.Variant("fuzzy") with { TopK = k }, steps));
        if (result is null) break;
        runs.Add(($"K = {k} (mIoU {100 * result.TeacherTest.MeanIoU:F1}%)", result.TeacherTest.PerClassIoU));
        // The committed ablation compares K = 1 as hard pseudo-labels and K = 3 as the fuzzy row.
        arms.Add(new($"K = {k}", result.TeacherTest.MeanIoU, k == 1 ? "hard" : k == 3 ? "fuzzy" : null));
    }
}
if (arms.Count == compareKs.Length + 1)
{
    var committed = CommittedResults.Ablation(Lesson.RepositoryRoot);
    Lesson.Show($"live, {steps} steps from the teacher, one seed: " + string.Join("; ", arms.Select(a => $"{a.Name} {100 * a.Miou:F1}%")) + "\n" +
            CommittedResults.Describe(committed, ["hard", "fuzzy"]));
    Lesson.Show(LessonCharts.LiveBesideCommitted($"Fuzzy targets: a {steps}-step live demo beside the committed runs", $"live demo: {steps} steps from the teacher, seed 0", arms, committed));
    Lesson.Show(LessonCharts.PerClassIou($"Fuzzy targets: per-class test IoU after {steps} steps from the same teacher (live demo)", runs, data.ClassNames));
}

lessonPage.Text("""
## Does it help? What the committed runs say

The live comparison above is a few hundred steps from one teacher: it shows the mechanism, not the part's value. That is
measured over whole runs and three seeds, in the ablations committed under `results/` (lesson 07 charts them), and in any search row under `results/search/` that isolates the part (one seed,
validation split; `ablation.json` is today's preset, `ablation-w20.json` the previous one: width 20, λ_u = 1): the ladder step that adds fuzzy targets (`fuzzy` against `hard`: K = 3 and no threshold against K = 1 with τ = 0.95) and
FARCLUSS against FARCLUSS without them (`farcluss-no-fuzzy`, K = 1).
The cell reads every committed comparison from the files and says on its first line how many reach +0.5 mIoU (the
kit's bar for "helps"); where none does, it says so. Read the rarest three beside mIoU.
""");

// ---- code cell 8 ----
// Every committed ablation under results/ and search row under results/search/, read now (PartEvidence): each pair of rows that isolates this part.
Lesson.Show(PartEvidence.Committed(Lesson.RepositoryRoot, "fuzzy targets"));

lessonPage.Text("""
## Summary

- `FuzzyPseudoLabels.Compute(teacherProbs, K)` keeps each pixel's K most likely classes, renormalised; K = 1 is the hard label.
- An uncertain pixel's target spreads over the classes the teacher hesitates between, instead of betting on one or being dropped.
- A few hundred live steps from a trained teacher show what the targets look like, not which K is better; the
  committed rows charted beside the live arms (hard pseudo-labels, K = 1 with a threshold, against fuzzy targets, K = 3:
  whole runs, several seeds) are the measurement, and lesson 07 reads the whole ablation.

## Exercises

1. Show that K = C gives back p (up to rounding): compare `FuzzyPseudoLabels.Compute(pixelProbs, 11)` with `pixelProbs`.
2. Pick the *most* confident digit pixel instead: how do the four target rows differ then?
3. Why might K = C hurt when the teacher is still poor? (Hint: what does it put on background for a digit pixel?)

← Previous: [02 · Mean teacher and hard pseudo-labels](02-mean-teacher-hard-labels.ipynb) · Next: [04 · Uncertainty-aware weighting](04-uncertainty-weight.ipynb) →
""");

lessonPage.Finish();
