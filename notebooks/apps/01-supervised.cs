// Lesson 01-supervised as a .NET file-based app, generated from notebooks/01-supervised.ipynb by notebooks/tools/NotebookApps.
// Do not edit: edit the notebook, then regenerate every app with `dotnet run --project notebooks/tools/NotebookApps`
// (a test fails while an app is out of date with its notebook).
//
//   dotnet run notebooks/apps/01-supervised.cs                     the workshop preset
//   FARCLUSS_SMOKE=1 dotnet run notebooks/apps/01-supervised.cs    the smoke preset (seconds, as CI runs it)
//
// It writes the lesson's text, what it shows and its charts into one offline page,
// notebooks/html/apps/01-supervised.html, and prints where. The kit's projects are referenced, not copied; package
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

var lessonPage = LessonPage.Start("01-supervised");

lessonPage.Text("""
# 01 · The supervised baseline, and what scarce labels cost

← Previous: [00 · Setup and the data](00-setup-data.ipynb) · Next: [02 · Mean teacher and hard pseudo-labels](02-mean-teacher-hard-labels.ipynb) →

**You will learn**
- the compact DeepLabV3+ the kit trains on a CPU, built by `ModelFactory` from `ModelSettings`;
- the supervised loss and how the one `Trainer` runs it (`Variants.Supervised`);
- mIoU from one confusion matrix, and per-class IoU: which classes suffer when only a small share of the canvases is labeled (the preset's `LabeledFraction`).

**Time:** about 3 minutes with the workshop preset on a 2-core CPU with the main job's runs (`./farcluss compare`) on disk (measured 168 s in Jupyter, [README](README.md)). Without them it trains both runs live on a shorter schedule (1200 steps each; the whole lesson then measured 107 s; the gap per class is smaller): run `./farcluss compare` before class for the preset's full 3600 steps. Worked answers to the exercises: [solutions/01-supervised-solutions.ipynb](solutions/01-supervised-solutions.ipynb).
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

The supervised loss is the cross-entropy of the student's prediction on the **weak view** of a labeled batch (a random scale and crop, applied alike to the image and its mask, with a horizontal flip only where the preset's
`augment.flip_horizontal` turns it on, which the digit presets do not; lesson 02 adds the strong view, and
[docs/METHOD.md](../docs/METHOD.md) and the [glossary](../README.md#glossary) define both):
`L_s = −(1/N) Σ_i log softmax(f_θ(A_w(x_l)))_i,y_i` over the N pixels whose label is not 255.

The metric is computed from **one confusion matrix** accumulated over the whole evaluation set (rows: truth,
columns: prediction): `IoU_c = TP_c / (TP_c + FP_c + FN_c)`, and mIoU is their mean over the classes present.
A class absent from prediction and truth is left out. Per-class IoU is always shown beside the mean.
""");

// ---- code cell 3 ----
// The preset's settings with the supervised variant laid over its method (what the main job's supervised run used).
var config = Lesson.Config with { Method = Variants.Get("supervised", Lesson.Config.Method) };
var data = TrainingData.Load(config.Data);
var device = DeviceChoice.Resolve(config.Device);
using (var model = ModelFactory.Create(config.Model with { NumClasses = data.NumClasses, InChannels = data.Channels }))
    Lesson.Show($"{model.Architecture}: {model.parameters().Sum(p => p.numel()):N0} parameters; {data.Labeled.Count} labeled canvases; {config.Steps} steps of batch {config.LabeledBatch}");

lessonPage.Text("""
## Train on the preset's few labels

This is the preset's supervised run, the first row of every comparison in the course. The **main job**
(`./farcluss compare`, notebooks/README.md) has already trained it: the line below says which run it is. Without the
main job it is trained here, with one updating progress line, on a shorter schedule (1200 steps instead of the
preset's 3600) so that the lesson stays within its time; the run with every label below then uses the same shorter
schedule. The trainer keeps an EMA teacher even here; the teacher is the reported model.
""");

// ---- code cell 4 ----
// Without the main job's run, both runs of this lesson train this shorter schedule live (the time stated at the top).
var liveSteps = Lesson.Pick(1200, config.Steps);
var sparseRun = "the supervised run of “Train on the preset's few labels”";
var sparse = Lesson.Try(sparseRun, () => SharedTeacher.Load(config, data, liveSteps));
var runSteps = sparse?.FromMainJob == true ? config.Steps : liveSteps;
if (sparse is not null)
{
    Lesson.Show(sparse.Summary);
    Lesson.Show($"test mIoU {100 * sparse.Test.MeanIoU:F1}% with {data.Labeled.Count} labeled canvases after {runSteps} steps");
}

lessonPage.Text("""
### Re-derive one IoU by hand

Rebuild the test confusion matrix of the teacher and compute the IoU of digit 0 (class 1) from its counts.
""");

// ---- code cell 5 ----
if (Lesson.Needs(sparseRun, sparse))
{
    var matrix = Evaluator.ConfusionOf(sparse!.Model, data.Test, data.NumClasses, device);
    int c = 1;
    long tp = matrix[c, c], fn = Enumerable.Range(0, data.NumClasses).Where(k => k != c).Sum(k => matrix[c, k]), fp = Enumerable.Range(0, data.NumClasses).Where(k => k != c).Sum(k => matrix[k, c]);
    Lesson.Show($"IoU of '{data.ClassNames[c]}': {tp} / ({tp} + {fp} + {fn}) = {(double)tp / (tp + fp + fn):F4}; library: {matrix.PerClassIoU()[c]:F4}");
}

lessonPage.Text("""
## The same model with every label

`LabeledFraction = 1` keeps every training canvas labeled; the run has the same steps, batch and seed as the one
above, so the gap per class is what scarce labels cost, and what the semi-supervised lessons try to win back from the
unlabeled canvases. (A shorter budget hides it: after a few hundred steps both models are still learning the easy
classes, and scarce labels seem to cost little. Without the main job both runs train the shorter schedule, and the
line under the chart says how many steps they had.)
""");

// ---- code cell 6 ----
var labeledFraction = 1.0; // ablation: try 1.0 / 8 or 1.0 / 4 and rerun
var fullConfig = config with { Steps = runSteps, Data = config.Data with { M2Nist = config.Data.M2Nist with { LabeledFraction = labeledFraction } } };
var fullData = TrainingData.Load(fullConfig.Data);
var fullRun = "the run with every label of “The same model with every label”";
// Trained only after the run above: if that stopped, this one would stop the same way.
var full = sparse is null ? null : Lesson.Try(fullRun, () =>
{
    using var fullTrainer = new Trainer(fullConfig, fullData) { OnProgress = Lesson.ShowProgress($"supervised, {100 * labeledFraction:0.#}% labeled", fullConfig.Steps).Report };
    return fullTrainer.Run();
});
if (Lesson.Needs(sparseRun, sparse) && full is not null)
    Lesson.Show($"test mIoU: {100 * sparse!.Test.MeanIoU:F1}% with the preset's labels ({data.Labeled.Count} canvases), {100 * full.TeacherTest.MeanIoU:F1}% with {100 * labeledFraction:0.#}% of them ({fullData.Labeled.Count}), {runSteps} steps each");

// ---- code cell 7 ----
if (Lesson.Needs(sparseRun, sparse) && Lesson.Needs(fullRun, full))
    Lesson.Show(LessonCharts.PerClassIou($"What scarce labels cost, per class (test IoU of the teacher, {runSteps} steps each)",
        [($"{data.Labeled.Count} labeled", sparse!.Test.PerClassIoU), ($"{100 * labeledFraction:0.#}% labeled", full!.TeacherTest.PerClassIoU)], data.ClassNames));

lessonPage.Text("""
## Summary

- `ModelFactory.Create(ModelSettings)` builds the compact DeepLabV3+; `Trainer` with `Variants.Supervised` trains it on `L_s` alone.
- mIoU comes from one confusion matrix; per-class IoU shows which digits lose most when labels are scarce (compare the two bars digit by digit),
  and that the rarest digits can stay poor even with every label.
- The gap between the preset's few labels and all labels is the room semi-supervised learning has; whether a method wins any of it back is measured, not assumed (lesson 07).

## Exercises

1. Halve `Steps` for both runs (`config with { Steps = config.Steps / 2 }`, trained live): does the gap shrink or grow?
2. Compare the full-label run's student and teacher per-class IoU (`full.StudentTest.PerClassIoU`). Why is the EMA teacher steadier?
3. Train with `Model = new ModelSettings { Width = 32 }`: what do twice the channels (four times the parameters) buy in mIoU, and cost in ms/step?

← Previous: [00 · Setup and the data](00-setup-data.ipynb) · Next: [02 · Mean teacher and hard pseudo-labels](02-mean-teacher-hard-labels.ipynb) →
""");

lessonPage.Finish();
