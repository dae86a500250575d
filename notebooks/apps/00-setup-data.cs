// Lesson 00-setup-data as a .NET file-based app, generated from notebooks/00-setup-data.ipynb by notebooks/tools/NotebookApps.
// Do not edit: edit the notebook, then regenerate every app with `dotnet run --project notebooks/tools/NotebookApps`
// (a test fails while an app is out of date with its notebook).
//
//   dotnet run notebooks/apps/00-setup-data.cs                     the workshop preset
//   FARCLUSS_SMOKE=1 dotnet run notebooks/apps/00-setup-data.cs    the smoke preset (seconds, as CI runs it)
//
// It writes the lesson's text, what it shows and its charts into one offline page,
// notebooks/html/apps/00-setup-data.html, and prints where. The kit's projects are referenced, not copied; package
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

var lessonPage = LessonPage.Start("00-setup-data");

lessonPage.Text("""
# 00 · Setup and the data: M2NIST-LT

[Course index](README.md) · Next: [01 · The supervised baseline](01-supervised.ipynb) →

**You will learn**
- how a lesson loads the kit's library (built from this repository) and pins every package version;
- how M2NIST-LT is generated from MNIST: canvases, pixel labels, the ignore label 255, the long tail;
- how scarce the labels are (the preset's share, 1/32 today) and how unevenly the classes are spread, labeled against unlabeled.

Every lesson runs with the **workshop** preset (minutes on a 2-core CPU). With the environment variable
`FARCLUSS_SMOKE=1` it uses the **smoke** preset and tiny sizes instead (seconds; CI runs every lesson that way).

**Before class (the instructor, once).** Run the main job from the repository: `./farcluss compare`. It trains the
supervised baseline, hard pseudo-labels and FARCLUSS at the workshop preset and keeps each run in
`runs/workshop/<variant>-s0/` (its `config.json`, `checkpoint.bin` and `metrics.jsonl`). Lesson 01 shows the supervised run, and lessons 02–06 start their live experiments from its trained teacher, and say so in one line with the run's date and settings;
lesson 07 trains its short live ladder from scratch;
without it (or if it was made with other settings) they train a short teacher live instead and say why. How long it
takes is in [notebooks/README.md](README.md#before-class).

The method, with every equation and every choice the kit makes where the paper is silent, is in
[docs/METHOD.md](../docs/METHOD.md); the words the lessons use (labeled, unlabeled, weak and strong view, teacher,
student, …) are in the [glossary](../README.md#glossary).

**Time:** about 20 seconds with the workshop preset on a 2-core CPU (measured 21 s in Jupyter, [README](README.md)). Worked answers to the exercises: [solutions/00-setup-data-solutions.ipynb](solutions/00-setup-data-solutions.ipynb).
""");

// ---- code cell 1 ----
// Makes libtorch loadable, fixes Plotly.NET's FSharp.Core request, finds the repository, picks the
// preset (FARCLUSS_SMOKE=1: the smoke preset and tiny sizes, as CI runs the lessons).
Lesson.Show(Farcluss.Charts.Lesson.Setup());

// ---- code cell 2 ----
// The namespaces every lesson uses and the offline chart formatter, in one file for all ten lessons.
// (The notebook registers its offline chart formatter here; the app's page draws charts itself.)

lessonPage.Text("""
## Check the environment

libtorch is the native engine under TorchSharp. The kit makes it loadable on Debian 12 / Ubuntu 22.04
(whose C++ runtime is older than the one it was built against) before the first torch call: that was
`Lesson.Setup()` above. MNIST must be on disk: `data-scripts/fetch-mnist.sh` (or `./farcluss data fetch`) puts it in `data/mnist`.
""");

// ---- code cell 3 ----
var mnistFound = MnistFiles.TryLocate(MnistFiles.DefaultDirectory(), out var mnistFiles);
if (!mnistFound) throw new KitException($"MNIST not found: {MnistFiles.FetchHint}", MnistFiles.DefaultDirectory());
Lesson.Show($"libtorch works: 1 + 2 = {(torch.tensor(1f) + 2).item<float>()}; CUDA available: {torch.cuda.is_available()}; threads: {torch.get_num_threads()}; MNIST: {Path.GetDirectoryName(mnistFiles!.TrainImages)}");

lessonPage.Text("""
## Theory: a long-tailed segmentation set made of digits

Semantic segmentation labels every pixel. M2NIST-LT pastes 1–3 MNIST digits (28×28, optionally scaled) at random
places on a square black canvas; the preset sets the canvas size and the digits' scale (the generation cell below prints
them). A pixel is labeled with the digit covering it:

- intensity ≥ 128 → class d + 1 (classes `1`…`10` are the digits 0…9), intensity < 32 → class 0 (background),
- in between (a stroke's blurry rim) → **255, ignored**: it counts in no loss and no metric, as VOC ignores object boundaries.

Digit d is drawn with probability `p(d) = 20^(−d/9) / Σ_k 20^(−k/9)`: digit 0 is 20× more frequent than digit 9,
so the classes are **long-tailed**, like small objects in real scenes. Only the first few training canvases keep their masks
(**labeled**: the preset's `LabeledFraction`, printed below); the others are **unlabeled** (their masks are kept only to
measure pseudo-label accuracy, never in a loss).

Re-derive `p(d)` by hand and check it against the library:
""");

// ---- code cell 4 ----
double imbalance = 20;
var byHand = Enumerable.Range(0, 10).Select(d => Math.Pow(imbalance, -d / 9.0)).ToArray();
byHand = byHand.Select(w => w / byHand.Sum()).ToArray();
var fromLibrary = M2NistLt.ClassProbabilities(imbalance);
Lesson.Show($"p(0) = {byHand[0]:F4}, p(9) = {byHand[9]:F4}, ratio {byHand[0] / byHand[9]:F1}; largest difference from the library: {byHand.Zip(fromLibrary, (a, b) => Math.Abs(a - b)).Max():E1}");

lessonPage.Text("""
## Generate the dataset

Generation is deterministic from a seed (nothing generated is committed). The cell prints the preset's sizes: canvases,
digit scale, how many training canvases are labeled, and the validation and test splits.
""");

// ---- code cell 5 ----
var settings = Lesson.Config.Data.M2Nist;
var dataset = M2NistLt.Load(MnistFiles.DefaultDirectory(), settings);
Lesson.Show($"{settings.CanvasSize}×{settings.CanvasSize} canvases, digits ×{settings.DigitScale}; {dataset.Labeled.Count} labeled (LabeledFraction {settings.LabeledFraction:0.####} ≈ 1/{1 / settings.LabeledFraction:0.#}) + {dataset.Unlabeled.Count} unlabeled training canvases, {dataset.Validation.Count} validation, {dataset.Test.Count} test; " +
$"{dataset.NumClasses} classes; normalisation mean {dataset.Normalization.Mean[0]:F3}, std {dataset.Normalization.Std[0]:F3}");

lessonPage.Text("""
## Canvases beside their masks

Each pair shows a labeled canvas and its mask (one colour per class, named in the key below the pictures; the ignored rims are blank).
""");

// ---- code cell 6 ----
var panels = new List<Panel>();
for (int i = 0; i < 4; i++)
{
    panels.Add(Pictures.Image($"canvas {i}", dataset.Labeled.Images[i][0]));
    panels.Add(Pictures.Mask($"mask {i}", dataset.Labeled.Masks[i]));
}
Lesson.Show(LessonCharts.Pictures("Labeled canvases and their masks", panels, columns: 4, numClasses: dataset.NumClasses, classNames: dataset.ClassNames));

lessonPage.Text("""
## The class imbalance

Left: each class's share of the valid pixels (log scale: background dwarfs everything). Right: the share of canvases
that contain the class. The few labeled canvases see the rare digits only a handful of times.
""");

// ---- code cell 7 ----
var balance = new[] { ClassBalance.Of(dataset.Labeled, dataset.NumClasses, "labeled"), ClassBalance.Of(dataset.Unlabeled, dataset.NumClasses, "unlabeled") };
Lesson.Show($"digit 9 ('9'): {balance[0].CanvasesWithClass[10]} labeled canvases, {balance[1].CanvasesWithClass[10]} unlabeled; background holds {100 * balance[0].PixelShare[0]:F1}% of labeled pixels");

// ---- code cell 8 ----
Lesson.Show(LessonCharts.ClassBalance(balance, dataset.ClassNames));

lessonPage.Text("""
## Ablation: change the tail and rerun

Set `imbalanceRatio` to 1 (balanced digits) or 100 (a longer tail) and rerun the cell: the digit bars flatten or
steepen. Lesson 05 shows what class rebalancing does against this tail.
""");

// ---- code cell 9 ----
var imbalanceRatio = 20.0; // try 1 or 100
var variantSettings = settings with { ImbalanceRatio = imbalanceRatio, TrainCount = Lesson.Pick(1000, 128), ValidationCount = 0, TestCount = 0 };
using (var variant = M2NistLt.Generate(mnistFiles.Load().Train, mnistFiles.Load().Test, variantSettings))
{
    Lesson.Show(LessonCharts.ClassBalance([ClassBalance.Of(variant.Train, variant.NumClasses, $"ratio {imbalanceRatio}")], variant.ClassNames));
}

lessonPage.Text("""
## Summary

- A lesson pins its packages in its first cell and loads the library built from `lib/`; `Lesson.Setup()` prepares libtorch and the preset.
- M2NIST-LT: square canvases (size and digit scale set by the preset), 11 classes, ignore label 255 on stroke rims, digit d drawn ∝ 20^(−d/9), a small share of the training canvases labeled (the preset's `LabeledFraction`).
- Before class, `./farcluss compare` trains the runs that lessons 01–07 use (`runs/workshop/`).
- The rare digits appear in few labeled canvases: this is the imbalance that pseudo-labels inherit and that FARCLUSS rebalances.

## Exercises

1. With `settings with { LabeledFraction = 1.0 / 8 }`, how many canvases contain digit 9 in the labeled split?
2. Raise `BackgroundThreshold` to 100: what happens to the share of ignored pixels? (Count `255` in `dataset.Labeled.Masks`.)
3. Chart the validation and test splits beside the training ones: are they drawn from the same tail?

[Course index](README.md) · Next: [01 · The supervised baseline](01-supervised.ipynb) →
""");

lessonPage.Finish();
