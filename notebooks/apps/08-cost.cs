// Lesson 08-cost as a .NET file-based app, generated from notebooks/08-cost.ipynb by notebooks/tools/NotebookApps.
// Do not edit: edit the notebook, then regenerate every app with `dotnet run --project notebooks/tools/NotebookApps`
// (a test fails while an app is out of date with its notebook).
//
//   dotnet run notebooks/apps/08-cost.cs                     the workshop preset
//   FARCLUSS_SMOKE=1 dotnet run notebooks/apps/08-cost.cs    the smoke preset (seconds, as CI runs it)
//
// It writes the lesson's text, what it shows and its charts into one offline page,
// notebooks/html/apps/08-cost.html, and prints where. The kit's projects are referenced, not copied; package
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

var lessonPage = LessonPage.Start("08-cost");

lessonPage.Text("""
# 08 · What it costs

← Previous: [07 · FARCLUSS whole](07-ablation.ipynb) · Next: [09 · Your own data, full scale](09-own-data-full-scale.ipynb) →

**You will learn**
- how much time each part of a training step takes, for the supervised, hard-label, FARCLUSS and FARCLUSS-with-ReCo variants;
- why the prototype term is "lightweight": its arithmetic next to a ReCo-style pairwise term;
- how to read a benchmark on a shared machine (ratios, interleaved runs, medians).

**Time:** about 15 seconds with the workshop preset on a 2-core CPU (measured 15 s in Jupyter, [README](README.md)). Worked answers to the exercises: [solutions/08-cost-solutions.ipynb](solutions/08-cost-solutions.ipynb).
""");

// ---- code cell 1 ----
// Makes libtorch loadable, fixes Plotly.NET's FSharp.Core request, finds the repository, picks the
// preset (FARCLUSS_SMOKE=1: the smoke preset and tiny sizes, as CI runs the lessons).
Lesson.Show(Farcluss.Charts.Lesson.Setup());

// ---- code cell 2 ----
// The namespaces every lesson uses and the offline chart formatter, in one file for all ten lessons.
// (The notebook registers its offline chart formatter here; the app's page draws charts itself.)

lessonPage.Text("""
## Theory: counting the contrastive terms' work

Per step, with D = 64 and C = 11 classes:
- prototype term: N_a anchors × C prototypes × D = 1024 × 11 × 64 multiply-adds for the logits;
- ReCo-style term: per class present, 256 queries × (1 positive + 512 negatives) × D.
""");

// ---- code cell 3 ----
int D = 64, C = 11, anchors = 1024; // ablation: N_a
long prototypeMacs = (long)anchors * C * D;
long recoMacs = (long)C * 256 * (1 + 512) * D;
Lesson.Show($"prototype: {prototypeMacs:N0} multiply-adds; ReCo-style: {recoMacs:N0} (×{(double)recoMacs / prototypeMacs:F0}), plus ReCo's sampling of {C * 256 * 512:N0} negative keys");

lessonPage.Text("""
## Time per step and per term

The same measurement as `./farcluss bench`, shortened: the variants train in turns (so noise from other work on the machine
hits them alike), with the ramp-up already over so every term runs at full weight. `teacher` is the teacher's forward pass,
`student` the student's, `backward` the gradient, `optimizer` Adam and the EMA update. Absolute times depend on the machine; compare ratios.
""");

// ---- code cell 4 ----
var config = Lesson.Config with { Method = Variants.Farcluss with { Anchors = anchors } };
var data = TrainingData.Load(config.Data);
var variants = new[] { "supervised", "hard", "farcluss", "farcluss-reco" };
var progress = NotebookDisplay.Show("measuring ...");
var costs = Lesson.Try("the measurement of “Time per step and per term”", () =>
    StepCost.Measure(config, data, variants, warmupSteps: 2, stepsPerBlock: Lesson.Pick(5, 2), blocks: Lesson.Pick(3, 1), progress: text => progress.Update(text)));
if (costs is null) progress.Update("measuring: stopped");
else
{
    progress.Update($"measured {variants.Length} variants: done");
    var byName = costs.ToDictionary(c => c.Variant);
    Lesson.Show(string.Join("\n", costs.Select(c => $"{c.Variant,-14} {c.MsPerStep,7:F1} ms/step")) +
        $"\nfarcluss / hard step: {byName["farcluss"].MsPerStep / byName["hard"].MsPerStep:F2}; " +
        $"prototype term / farcluss step: {byName["farcluss"].MsPerTerm.GetValueOrDefault("contrast") / byName["farcluss"].MsPerStep:P1}; " +
        $"ReCo term / prototype term: {byName["farcluss-reco"].MsPerTerm.GetValueOrDefault("contrast") / byName["farcluss"].MsPerTerm.GetValueOrDefault("contrast"):F1}");
    Lesson.Show(LessonCharts.Cost($"Time per training step by part (batch {config.LabeledBatch} + {config.UnlabeledBatch}, {Lesson.PresetName} preset)", costs.Select(c => (c.Variant, c.MsPerTerm)).ToList()));
}

lessonPage.Text("""
## The committed benchmark

`./farcluss bench` prints a per-block log, then a summary: each variant's median step split by part, and `ratio ...` lines. The committed
benchmark (`results/bench-workshop.txt`, with the command that made it in its first line) is read below; only its summary is shown.
""");

// ---- code cell 5 ----
var resultsFolder = Path.Combine(Lesson.RepositoryRoot, "results");
var benchFiles = Directory.Exists(resultsFolder) ? Directory.GetFiles(resultsFolder, "*bench*", SearchOption.AllDirectories).Where(f => f.EndsWith(".txt") || f.EndsWith(".md")).OrderBy(f => f).ToList() : [];
Lesson.Show(benchFiles.Count == 0 ? "No committed benchmark yet: run ./farcluss bench > results/bench.txt"
    : string.Join("\n\n", benchFiles.Select(f => $"{Path.GetRelativePath(Lesson.RepositoryRoot, f)} (summary; the file has the per-block log):\n" +
        string.Join("\n", File.ReadLines(f).Where(line => line.StartsWith("# ") || line.StartsWith("batch ") || line.StartsWith("step ") || line.StartsWith("ratio "))))));

lessonPage.Text("""
## Summary

- In the supervised, hard and FARCLUSS steps the student's forward and backward passes dominate; pseudo-labels cost the teacher's forward pass and the
  student's larger batch (forward and backward over the unlabeled canvases too).
- The prototype term is a small share of a FARCLUSS step; a ReCo-style pairwise term costs many times more for the same role.
- On a shared machine compare interleaved medians and ratios, never single absolute times.

## Exercises

1. Set `anchors = 4096`: how does the prototype term's time change? And mIoU (lesson 07)?
2. Measure with `LabeledBatch = 16, UnlabeledBatch = 16`: which terms scale with the batch, which do not?
3. Compare `supervised` with `hard`: how much of the difference is the teacher, how much the bigger student batch?

← Previous: [07 · FARCLUSS whole](07-ablation.ipynb) · Next: [09 · Your own data, full scale](09-own-data-full-scale.ipynb) →
""");

lessonPage.Finish();
