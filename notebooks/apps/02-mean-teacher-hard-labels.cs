// Lesson 02-mean-teacher-hard-labels as a .NET file-based app, generated from notebooks/02-mean-teacher-hard-labels.ipynb by notebooks/tools/NotebookApps.
// Do not edit: edit the notebook, then regenerate every app with `dotnet run --project notebooks/tools/NotebookApps`
// (a test fails while an app is out of date with its notebook).
//
//   dotnet run notebooks/apps/02-mean-teacher-hard-labels.cs                     the workshop preset
//   FARCLUSS_SMOKE=1 dotnet run notebooks/apps/02-mean-teacher-hard-labels.cs    the smoke preset (seconds, as CI runs it)
//
// It writes the lesson's text, what it shows and its charts into one offline page,
// notebooks/html/apps/02-mean-teacher-hard-labels.html, and prints where. The kit's projects are referenced, not copied; package
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

var lessonPage = LessonPage.Start("02-mean-teacher-hard-labels");

lessonPage.Text("""
# 02 · Mean teacher and hard pseudo-labels

← Previous: [01 · The supervised baseline](01-supervised.ipynb) · Next: [03 · Fuzzy pseudo-labels](03-fuzzy-labels.ipynb) →

**You will learn**
- the mean teacher: an exponential moving average of the student that labels the unlabeled canvases;
- hard pseudo-labels with a confidence threshold (FixMatch-style, `Variants.Hard`): K = 1, `w = 1[max p ≥ 0.95]`;
- what a 0.95 threshold throws away: by class (the rare digits) and by region (the thin edges of digits).

**Time:** about a minute with the workshop preset on a 2-core CPU with the main job's runs (`./farcluss compare`) on disk (measured 57 s in Jupyter, [README](README.md)). Without them it first trains a 400-step teacher live (the whole lesson then measured 68 s), and its live comparison starts from that weaker teacher. Worked answers to the exercises: [solutions/02-mean-teacher-hard-labels-solutions.ipynb](solutions/02-mean-teacher-hard-labels-solutions.ipynb).
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

Two views of every image, as [docs/METHOD.md](../docs/METHOD.md) defines them (and the [glossary](../README.md#glossary)):

- The **weak view** `A_w`: random scale and crop (plus a horizontal flip where `augment.flip_horizontal` is on; the digit
  presets leave it off: a mirrored digit is not that digit), the *same* geometry applied to the image and its mask.
  Labeled canvases are trained on their weak view, and the teacher labels the weak view of an unlabeled canvas.
- The **strong view** `A_s`: the weak view, then photometric jitter (brightness, contrast), grayscale and blur, and
  **CutMix**: a random box of one unlabeled canvas is pasted into another. The same boxes are pasted into the teacher's
  probabilities, so a target still sits on the pixels it describes. The student learns from the strong view, so it must
  agree with what the teacher said about an easier, unmixed picture.

- **Teacher.** After every optimizer step, `ξ ← α_t ξ + (1 − α_t) θ` with `α_t = min(1 − 1/(t+1), α)`, α = 0.99:
  early on the teacher follows the student closely, later it averages about the last 100 students.
- **Pseudo-labels.** The teacher sees the weak view of an unlabeled canvas, `p = softmax(f_ξ(A_w(x_u)))`;
  the hard pseudo-label is `argmax_c p_c`.
- **Threshold.** A pixel counts only when `max_c p_c ≥ τ` (τ = 0.95): `L_u = Σ_i 1[max p_i ≥ τ] · CE(onehot(argmax p_i), s_i) / N_valid`.
- The unsupervised weight ramps up: `λ_u · exp(−5(1 − t/T_r)²)`, with t counted from the end of the supervised warm-up
  and T_r = 10% of the steps after it.

Re-derive the EMA decay by hand:
""");

// ---- code cell 3 ----
var decays = Enumerable.Range(0, 6).Select(t => (t, byHand: Math.Min(1 - 1.0 / (t + 1), 0.99), library: MeanTeacher.Decay(t, 0.99)));
Lesson.Show(string.Join("; ", decays.Select(d => $"t={d.t}: {d.byHand:F3} (library {d.library:F3})")) + $"; t=1000: {MeanTeacher.Decay(1000, 0.99)}");

lessonPage.Text("""
## A teacher to look at

Every live experiment in lessons 02–06 starts from one trained, supervised teacher: the main job's supervised run
(`./farcluss compare`, before class) when it exists and was made with this preset's settings, else a short supervised
run trained now. The first line below says which, when it was made, with which settings, and its test mIoU.
""");

// ---- code cell 4 ----
var config = Lesson.Config;
var data = TrainingData.Load(config.Data);
var teacherRun = "the teacher of “A teacher to look at”";
var teacher = Lesson.Try(teacherRun, () => SharedTeacher.Load(config, data, liveSteps: Lesson.Pick(400, 20)));

int canvases = Lesson.Pick(64, 8);
var (unlabeledImages, hiddenMasks) = data.Unlabeled!.Batch(Enumerable.Range(0, canvases).Select(i => (long)i).ToArray());
var teacherProbs = teacher?.Probabilities(unlabeledImages);
if (teacher is not null)
{
    Lesson.Show(teacher.Summary);
    Lesson.Show($"teacher probabilities {string.Join("×", teacherProbs!.shape)} for {canvases} unlabeled canvases");
}

lessonPage.Text("""
## What τ = 0.95 throws away

The hidden masks of the unlabeled canvases (never used in a loss) tell us which pixels the threshold discards.
Edges are pixels next to another label (`Regions.EdgeMask`): the thin strokes of a digit are almost all edge.
""");

// ---- code cell 5 ----
var thresholds = new[] { 0.95, 0.8, 0.5 }; // ablation: change and rerun
var discards = teacherProbs is null ? null : thresholds.Select(t => ThresholdDiscard.Measure(teacherProbs, hiddenMasks, t)).ToList();
if (Lesson.Needs(teacherRun, discards))
    Lesson.Show(string.Join("\n", discards!.Select(d => d.Describe())));

// ---- code cell 6 ----
if (Lesson.Needs(teacherRun, discards))
    Lesson.Show(LessonCharts.ThresholdDiscard(discards!, data.ClassNames));

lessonPage.Text("""
### As pictures

Canvas, hidden truth, the teacher's confidence `max_c p_c`, and the pseudo-label where it survives τ = 0.95 (blank where discarded; a panel whose title ends in "none" is all blank: a weak teacher, as the smoke preset's, is never that confident).
""");

// ---- code cell 7 ----
if (Lesson.Needs(teacherRun, teacherProbs))
{
    var (confidence, hardLabels) = teacherProbs!.max(1);
    var kept = hardLabels.masked_fill(confidence.lt(0.95), Labels.Ignore);
    var panels = new List<Panel>();
    for (int i = 0; i < 3; i++)
    {
        panels.Add(Pictures.Image($"canvas {i}", unlabeledImages[i][0]));
        panels.Add(Pictures.Mask("hidden truth", hiddenMasks[i]));
        panels.Add(Pictures.Heat("confidence max p", confidence[i]));
        bool anyKept = kept[i].ne(Labels.Ignore).any().item<bool>();
        panels.Add(Pictures.Mask(anyKept ? "kept at τ = 0.95" : "kept at τ = 0.95: none", kept[i]));
    }
    Lesson.Show(LessonCharts.Pictures("What the threshold keeps", panels, columns: 4, numClasses: data.NumClasses, classNames: data.ClassNames));
}

lessonPage.Text("""
## Ablation: train with hard pseudo-labels

`Variants.Hard` is FARCLUSS with K = 1, the threshold weight, no rebalancing and no contrast: one trainer, other settings.
Both arms below start from the teacher above and train the same number of steps: one more supervised steps only (the
"without"), one adds hard pseudo-labels on the unlabeled canvases. So the difference is the pseudo-labels', not a
longer or shorter training. Change `threshold` and rerun: a lower τ keeps more of the unlabeled pixel weight (`WeightKept`), and the lines
printed above show that the pixels it adds are more often wrong; the foreground pseudo-label accuracy is measured on every
pixel's argmax, kept or not.

**A quick demo, not a measurement.** A few hundred steps from an already trained teacher show the mechanism (what is
kept, how right it is), not whether hard pseudo-labels help: one seed, and both arms stay close to the teacher they
started from. The first chart puts the live arms beside the committed ablation's rows for the same two settings (whole
runs, several seeds, `results/ablation.json`); the line above it prints both, so you can compare the live difference
with the measured one.
""");

// ---- code cell 8 ----
var threshold = 0.95; // try 0.8 or 0.99
var steps = Lesson.Pick(200, 10);
var armsRun = "the two arms of “Ablation: train with hard pseudo-labels”";
var supervisedMore = teacher is null ? null : Lesson.Try(armsRun, () => teacher.Continue("without: supervised steps, from the teacher", teacher.Variant("supervised"), steps));
var hard = supervisedMore is null ? null : Lesson.Try(armsRun, () => teacher!.Continue($"with: hard pseudo-labels τ = {threshold}, from the teacher",
    teacher.Variant("hard") with { ConfidenceThreshold = threshold }, steps, c => c with { LogEvery = Lesson.Pick(25, 5) }));
if (Lesson.Needs(teacherRun, teacher) && Lesson.Needs(armsRun, supervisedMore, hard))
{
    var committed = CommittedResults.Ablation(Lesson.RepositoryRoot);
    Lesson.Show($"live, {steps} steps from the teacher (test mIoU {100 * teacher!.Test.MeanIoU:F1}%), one seed: supervised {100 * supervisedMore!.TeacherTest.MeanIoU:F1}%, " +
            $"hard pseudo-labels {100 * hard!.TeacherTest.MeanIoU:F1}%\n" + CommittedResults.Describe(committed, ["supervised", "hard"]));
    Lesson.Show(LessonCharts.LiveBesideCommitted($"Hard pseudo-labels: a {steps}-step live demo beside the committed runs", $"live demo: {steps} steps from the teacher, seed 0",
        [new("teacher (start)", teacher.Test.MeanIoU), new("without: supervised", supervisedMore.TeacherTest.MeanIoU, "supervised"),
         new($"with: hard, τ = {threshold}", hard.TeacherTest.MeanIoU, "hard")], committed));
    Lesson.Show(LessonCharts.PerClassIou($"Per-class test IoU after {steps} more steps from the same teacher (live demo)",
        [("teacher (start)", teacher.Test.PerClassIoU), ("without: supervised", supervisedMore.TeacherTest.PerClassIoU), ($"with: hard, τ = {threshold}", hard.TeacherTest.PerClassIoU)],
        data.ClassNames));
    var logged = hard.Log.Select(s => (double)s.Step).ToArray();
    Lesson.Show(LessonCharts.Lines($"Hard pseudo-labels at τ = {threshold}", "step (from the teacher)", "share (0–1)",
        [("unlabeled weight kept", logged, hard.Log.Select(s => s.WeightKept).ToArray()),
         ("foreground pseudo-label accuracy", logged, hard.Log.Select(s => s.ForegroundPseudoLabelAccuracy).ToArray()),
         ("λ_u (ramp)", logged, hard.Log.Select(s => s.UnsupervisedLambda).ToArray())]));
}

lessonPage.Text("""
## Summary

- The mean teacher is an EMA of the student (`MeanTeacher.Update`), run in eval mode without gradient; its argmax is the hard pseudo-label.
- The weak view is what the teacher labels; the strong view (jitter, blur, CutMix) is what the student must match.
- A 0.95 threshold keeps the confident pixels: mostly background and digit interiors. On the charts above it discards
  edges and rare classes first, and the pixels it discards are the ones most often wrong; whether keeping them would
  help is what lessons 03–05 test.
- Pseudo-labels are only as good as the teacher: a wrong label kept with confidence is trained in, and the student's
  errors come back through the EMA teacher (*confirmation bias*). Lesson 07 reads the committed results for where
  semi-supervision helped and where it hurt at this preset.
- FARCLUSS keeps every pixel instead and weights it (lessons 03–05), as the paper proposes. Each lesson's live
  with/without runs show the mechanism in a few hundred steps; whether a part helps is read from the committed rows
  charted beside them (whole runs, several seeds).

## Exercises

1. Set `thresholds` to `{ 0.99, 0.9, 0.7 }`: which class loses most between 0.9 and 0.99?
2. Use a weaker teacher: `SharedTeacher.Load(config, data, liveSteps: 100, preset: "none")` (no runs under that name, so a
   100-step teacher is trained live). Does the threshold discard more? Which classes lose?
3. `Variants.Hard with { ConfidenceThreshold = 0 }` keeps every pixel with weight 1: compare its pseudo-label accuracy.

← Previous: [01 · The supervised baseline](01-supervised.ipynb) · Next: [03 · Fuzzy pseudo-labels](03-fuzzy-labels.ipynb) →
""");

lessonPage.Finish();
