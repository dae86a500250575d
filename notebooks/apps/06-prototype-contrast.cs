// Lesson 06-prototype-contrast as a .NET file-based app, generated from notebooks/06-prototype-contrast.ipynb by notebooks/tools/NotebookApps.
// Do not edit: edit the notebook, then regenerate every app with `dotnet run --project notebooks/tools/NotebookApps`
// (a test fails while an app is out of date with its notebook).
//
//   dotnet run notebooks/apps/06-prototype-contrast.cs                     the workshop preset
//   FARCLUSS_SMOKE=1 dotnet run notebooks/apps/06-prototype-contrast.cs    the smoke preset (seconds, as CI runs it)
//
// It writes the lesson's text, what it shows and its charts into one offline page,
// notebooks/html/apps/06-prototype-contrast.html, and prints where. The kit's projects are referenced, not copied; package
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

var lessonPage = LessonPage.Start("06-prototype-contrast");

lessonPage.Text("""
# 06 · Prototype contrastive regularisation

← Previous: [05 · Adaptive class rebalancing](05-class-rebalancing.ipynb) · Next: [07 · FARCLUSS whole](07-ablation.ipynb) →

**You will learn**
- FARCLUSS's fourth part: a projection head, class prototypes in an EMA memory, and a contrastive loss against them;
- how the decoder's features arrange themselves by class, before and after training (PCA to 2-D);
- the prototypes' similarity matrix, and what the term costs next to a ReCo-style pairwise term.

**Time:** under a minute with the workshop preset on a 2-core CPU with the main job's runs (`./farcluss compare`) on disk (measured 41 s in Jupyter, [README](README.md)). Without them it first trains a 400-step teacher live (seconds), and its live comparison starts from that weaker teacher. Worked answers to the exercises: [solutions/06-prototype-contrast-solutions.ipynb](solutions/06-prototype-contrast-solutions.ipynb).
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

- A projection head (two 1×1 convolutions) maps the student's decoder features to unit vectors `z ∈ R^64`.
- Confident set: labeled pixels with their truth, unlabeled pixels whose teacher confidence `max_c p_c ≥ τ_p = 0.8` with their argmax.
- Batch prototype `μ̂_c = normalise(mean of z over confident pixels of class c)`; memory `μ_c ← normalise(m_p μ_c + (1 − m_p) μ̂_c)`, m_p = 0.99.
- N_a = 1024 class-balanced anchors a step; loss `L_con = mean_a −log( exp(z_a·μ_{y_a}/τ) / Σ_c exp(z_a·μ_c/τ) )`, τ = 0.1.
- Cost O(N_a · C · D): no pixel-to-pixel term and no memory bank of pixels — only C × D numbers of memory.

Re-derive the loss for one anchor: prototypes e₁ = (1, 0) and e₂ = (0, 1), anchor z = (0.6, 0.8) of class 0, τ = 0.1.
By hand: logits (6, 8), loss = −log(e⁶ / (e⁶ + e⁸)) = log(1 + e²).
""");

// ---- code cell 3 ----
var memory = new PrototypeMemory(numClasses: 2, dim: 2, momentum: 0);
memory.Update(tensor(new[] { 1f, 0f, 0f, 1f }, new long[] { 2, 2 }), tensor(new long[] { 0, 1 }));
var anchorLoss = PrototypeContrast.Loss(tensor(new[] { 0.6f, 0.8f }, new long[] { 1, 2 }), tensor(new long[] { 0 }), memory, temperature: 0.1);
Lesson.Show($"by hand {Math.Log(1 + Math.Exp(2)):F5}, library {anchorLoss.item<float>():F5}");

lessonPage.Text("""
## Features before training

A FARCLUSS trainer started from the shared trained teacher of lessons 02–06 (the first line below says where it comes
from): its decoder has learned the digits, but its projection head is new and random. Sample pixels of validation canvases, as class-balanced as they allow (every pixel of a rare digit is taken and
background fills the rest), and project their embeddings z to 2-D with PCA.
""");

// ---- code cell 4 ----
var contrastWeight = 0.1; // ablation: λ_c; 0 switches the term's gradient off (try 0 or 0.5 and rerun this and the next cells)
var config = Lesson.Config;
var data = TrainingData.Load(config.Data);
var teacherRun = "the teacher and trainer of “Features before training”";
var teacher = Lesson.Try(teacherRun, () => SharedTeacher.Load(config, data, liveSteps: Lesson.Pick(400, 20)));
var steps = Lesson.Pick(200, 20);
var trainer = teacher is null ? null : Lesson.Try(teacherRun, () => teacher.StartTrainer(teacher.Variant("farcluss") with { ContrastWeight = contrastWeight }, steps, c => c with { LogEvery = Lesson.Pick(50, 5) }));
int canvases = Lesson.Pick(32, 8), points = Lesson.Pick(1500, 300);
if (trainer is not null)
{
    Lesson.Show(teacher!.Summary);
    var (beforeZ, beforeLabels) = FeatureSample.Collect(trainer.Student, trainer.Head, data.Validation!, canvases, points, seed: 0);
    Lesson.Show(LessonCharts.ClassScatter("Projected features z before training (PCA; trained decoder, new head)", Pca.Project(beforeZ), beforeLabels.data<long>().ToArray(), data.ClassNames));
}

lessonPage.Text("""
## Train, then look again
""");

// ---- code cell 5 ----
#nullable enable // this cell writes nullable types (T?); a cell is compiled without a nullable context otherwise
var trainRun = "the training of “Train, then look again”";
var result = trainer is null ? null : Lesson.Try(trainRun, () =>
{
    trainer.OnProgress = Lesson.ShowProgress($"FARCLUSS (λ_c = {contrastWeight}), from the teacher", steps).Report;
    return trainer.Run();
});
Tensor? afterZ = null, afterLabels = null;
if (Lesson.Needs(teacherRun, trainer) && result is not null)
{
    (afterZ, afterLabels) = FeatureSample.Collect(trainer!.Student, trainer.Head, data.Validation!, canvases, points, seed: 0);
    Lesson.Show($"test mIoU {100 * result.TeacherTest.MeanIoU:F1}% (the teacher it started from: {100 * teacher!.Test.MeanIoU:F1}%); contrastive loss {result.Log[^1].ContrastLoss:F3} at the last log");
    Lesson.Show(LessonCharts.ClassScatter($"Projected features z after {steps} steps (PCA, λ_c = {contrastWeight})", Pca.Project(afterZ), afterLabels.data<long>().ToArray(), data.ClassNames));
}

lessonPage.Text("""
## The prototype similarity matrix

`μ_c·μ_k` for every pair of classes with a prototype (blank: a class not seen with confidence yet). Contrast pushes the off-diagonal down; the darkest off-diagonal cells are the pairs of classes whose prototypes are
still closest, often digits that look alike.
""");

// ---- code cell 6 ----
if (Lesson.Needs(trainRun, result))
    Lesson.Show(LessonCharts.Similarity("Prototype similarity μ_c·μ_k at the end of training", PrototypeContrast.SimilarityMatrix(trainer!.PrototypeMemory!).to_type(ScalarType.Float64).data<double>().ToArray(), data.ClassNames));

lessonPage.Text("""
## Its cost next to the ReCo-style pairwise term

Time both losses, forward and backward, on the same embeddings: the prototype term compares each of 1024 anchors with
C prototypes; the ReCo-style term compares 256 queries per class with 512 sampled negative pixels each.
""");

// ---- code cell 7 ----
var anchors = 1024; // ablation: N_a
var generator = new Generator(0);
double Time(Func<Tensor> loss, Tensor z, int repeats = 5)
{
    loss().backward(); // warm-up
    var clock = System.Diagnostics.Stopwatch.StartNew();
    for (int i = 0; i < repeats; i++) { z.grad?.zero_(); loss().backward(); }
    return clock.Elapsed.TotalMilliseconds / repeats;
}
if (Lesson.Needs(trainRun, afterZ))
{
    var sampleCount = Math.Min(afterZ!.shape[0], 4096);
    var z = afterZ[..(int)sampleCount].clone().requires_grad_(true);
    var zLabels = afterLabels![..(int)sampleCount];
    var zConfidence = torch.full(sampleCount, 0.5f); // all "hard" for ReCo, its most expensive case
    double prototypeMs = Time(() =>
    {
        var chosen = BalancedAnchors.Sample(zLabels, data.NumClasses, anchors, generator);
        return PrototypeContrast.Loss(z.index_select(0, chosen), zLabels.index_select(0, chosen), trainer!.PrototypeMemory!, 0.1);
    }, z);
    double recoMs = Time(() => ReCoContrast.Loss(z, zLabels, zConfidence, data.NumClasses, generator), z);
    Lesson.Show($"prototype term {prototypeMs:F1} ms, ReCo-style term {recoMs:F1} ms (×{recoMs / prototypeMs:F0}); memory: {data.NumClasses}×{trainer!.PrototypeMemory!.Dim} prototype floats");
    Lesson.Show(LessonCharts.Cost("Contrastive term, forward + backward (ms)", [("prototype (FARCLUSS)", new Dictionary<string, double> { ["contrast"] = prototypeMs }), ("ReCo-style pairwise", new Dictionary<string, double> { ["contrast"] = recoMs })],
        yTitle: "ms per loss call (forward + backward)", xTitle: "contrastive term"));
}

lessonPage.Text("""
## Does it help? What the committed runs say

The live training above is a few hundred steps from one teacher: it shows the mechanism, not the part's value. That is
measured over whole runs and three seeds, in the ablations committed under `results/` (lesson 07 charts them), and in any search row under `results/search/` that isolates the part (one seed,
validation split; `ablation.json` is today's preset, `ablation-w20.json` the previous one: width 20, λ_u = 1): the ladder's last step (`farcluss` against `rebalance`, the same settings without the contrastive term);
FARCLUSS without contrast *is* the rebalance row, so it has no leave-one-out row of its own.
The cell reads every committed comparison from the files and says on its first line how many reach +0.5 mIoU (the
kit's bar for "helps"); where none does, it says so. Read the rarest three beside mIoU.
""");

// ---- code cell 8 ----
// Every committed ablation under results/ and search row under results/search/, read now (PartEvidence): each pair of rows that isolates this part.
Lesson.Show(PartEvidence.Committed(Lesson.RepositoryRoot, "prototype contrast"));

lessonPage.Text("""
## Summary

- `ProjectionHead`, `PrototypeMemory`, `BalancedAnchors` and `PrototypeContrast.Loss` make the term; the memory holds C × D numbers.
- Training pulls each class's embeddings towards its prototype: compare the two PCA pictures and the similarity matrix's
  off-diagonal (with λ_c = 0, exercise 1, the head gets no gradient and the "after" picture shows what the decoder alone gives).
- Separated features are the term's mechanism, not its payoff: whether it raises mIoU here is read in lesson 07's
  ladder (row 6 against row 5).
- Against class prototypes instead of sampled pixels, the term is much cheaper than a ReCo-style pairwise term.

## Exercises

1. Set `contrastWeight = 0` and rerun: do the classes still separate? (The head then learns nothing; the decoder features still do.)
2. Collect features without the head (`head: null`): do the decoder's own features separate as well?
3. Raise the temperature to 0.5 (`ContrastTemperature`): what happens to the similarity matrix?

← Previous: [05 · Adaptive class rebalancing](05-class-rebalancing.ipynb) · Next: [07 · FARCLUSS whole](07-ablation.ipynb) →
""");

lessonPage.Finish();
