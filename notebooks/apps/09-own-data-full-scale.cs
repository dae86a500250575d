// Lesson 09-own-data-full-scale as a .NET file-based app, generated from notebooks/09-own-data-full-scale.ipynb by notebooks/tools/NotebookApps.
// Do not edit: edit the notebook, then regenerate every app with `dotnet run --project notebooks/tools/NotebookApps`
// (a test fails while an app is out of date with its notebook).
//
//   dotnet run notebooks/apps/09-own-data-full-scale.cs                     the workshop preset
//   FARCLUSS_SMOKE=1 dotnet run notebooks/apps/09-own-data-full-scale.cs    the smoke preset (seconds, as CI runs it)
//
// It writes the lesson's text, what it shows and its charts into one offline page,
// notebooks/html/apps/09-own-data-full-scale.html, and prints where. The kit's projects are referenced, not copied; package
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
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

var lessonPage = LessonPage.Start("09-own-data-full-scale");

lessonPage.Text("""
# 09 · Bringing your own data, and going to full scale

← Previous: [08 · What it costs](08-cost.ipynb) · [Course index](README.md)

**You will learn**
- the VOC-layout folder dataset (`VocFolderDataset`): how to lay out your own images and masks, and how the kit checks them;
- the split-list protocol: the field's shared lists (UniMatch's), checked by sha256, read by `SplitList`;
- how to train the one trainer on such data;
- sliding-window evaluation (`SlidingWindow`): where the windows go, how overlaps are averaged, and why a window as large as the image is whole-image evaluation;
- ImageNet weights: reading torchvision's `.pth` in C#, safely, and how `PretrainedBackbone` maps it into the ResNet by name;
- the full-scale recipe: DeepLabV3+ with a ResNet-101 backbone, the presets `gpu-voc`, `gpu-voc-blended` and `gpu-cityscapes`, and the CUDA switch ([docs/full-scale.md](../docs/full-scale.md)).

**Time:** about 20 seconds with the workshop preset on a 2-core CPU (measured 18 s in Jupyter, [README](README.md)). Worked answers to the exercises: [solutions/09-own-data-full-scale-solutions.ipynb](solutions/09-own-data-full-scale-solutions.ipynb).
""");

// ---- code cell 1 ----
// Makes libtorch loadable, fixes Plotly.NET's FSharp.Core request, finds the repository, picks the
// preset (FARCLUSS_SMOKE=1: the smoke preset and tiny sizes, as CI runs the lessons).
Lesson.Show(Farcluss.Charts.Lesson.Setup());

// ---- code cell 2 ----
// The namespaces every lesson uses and the offline chart formatter, in one file for all ten lessons.
// (The notebook registers its offline chart formatter here; the app's page draws charts itself.)

lessonPage.Text("""
## Theory: the VOC layout

```
ROOT/JPEGImages/<id>.jpg           RGB images
ROOT/SegmentationClass/<id>.png    masks: palette PNG (VOC's colours) or 8-bit greyscale, value = class id, 255 = ignore
ROOT/ImageSets/Segmentation/train.txt   a split list: one id per line, or "image_path mask_path" relative to ROOT (UniMatch's lists)
```

Pascal VOC 2012 (+ SBD, laid out by `data-scripts/fetch-voc.sh`) and your own data use this layout; Cityscapes uses its own
folders and UniMatch's two-path lists (`data-scripts/fetch-cityscapes.sh`). The kit decodes only PNG and JPEG, checks sizes before
decoding, refuses paths that leave ROOT, and names the file in every error. In a VOC palette PNG, class i is drawn in
colour i; re-derive two colours by hand (bit 0 of the index → the top bit of R, bit 1 → G, bit 2 → B, then one bit lower):
""");

// ---- code cell 3 ----
(int R, int G, int B) ByHand(int i)
{
    int r = 0, g = 0, b = 0;
    for (int shift = 7; i > 0; shift--, i >>= 3) { r |= (i & 1) << shift; g |= ((i >> 1) & 1) << shift; b |= ((i >> 2) & 1) << shift; }
    return (r, g, b);
}
Lesson.Show(string.Join("; ", new[] { 1, 15 }.Select(i => $"{VocPalette.ClassNames[i]} ({i}): by hand {ByHand(i)}, library {VocPalette.Color(i)}")));

lessonPage.Text("""
## Make a small dataset in that layout

To stay offline, we write M2NIST-LT canvases as JPEG images and greyscale PNG masks into a temporary folder. With your
own data, point `root` at your folder instead and skip this cell.
""");

// ---- code cell 4 ----
var source = M2NistLt.Load(MnistFiles.DefaultDirectory(), Presets.Smoke.Data.M2Nist);
var root = Directory.CreateTempSubdirectory("farcluss-voc-").FullName;
Directory.CreateDirectory(Path.Combine(root, "JPEGImages"));
Directory.CreateDirectory(Path.Combine(root, "SegmentationClass"));
Directory.CreateDirectory(Path.Combine(root, "ImageSets", "Segmentation"));
var ids = new List<string>();
int count = Lesson.Pick(96, 24), side = source.Train.Height;
for (int i = 0; i < count; i++)
{
    string id = $"canvas_{i:D4}";
    var pixels = source.Train.Images[i][0].data<byte>().ToArray();
    using (var grey = SixLabors.ImageSharp.Image.LoadPixelData<L8>(pixels, side, side))
    using (var rgb = grey.CloneAs<Rgb24>())
        rgb.SaveAsJpeg(Path.Combine(root, "JPEGImages", id + ".jpg"));
    using (var mask = SixLabors.ImageSharp.Image.LoadPixelData<L8>(source.Train.Masks[i].data<byte>().ToArray(), side, side))
        mask.SaveAsPng(Path.Combine(root, "SegmentationClass", id + ".png")); // 8-bit greyscale: value = class id
    ids.Add(id);
}
File.WriteAllLines(Path.Combine(root, "ImageSets", "Segmentation", "train.txt"), ids);
Lesson.Show($"{count} samples written under {root}");

lessonPage.Text("""
## Theory: split lists, the field's protocol

Semi-supervised results are only comparable when everyone labels the *same* images. The papers (UniMatch, CorrMatch,
AllSpark; U2PL's "blended" lists) share one set of split lists: UniMatch's folder `splits/` at commit `0324f3d`, 35 files
such as `splits/pascal/92/labeled.txt` (VOC classic 1/16: 92 labeled images) with its `unlabeled.txt` (the rest of the
10,582), `splits/pascal/1_16/…` (blended 1/16: 662) and `splits/cityscapes/1_16/…` (186 of 2,975). The kit invents no split:
`data-scripts/fetch-splits.sh` downloads them into `data/splits/` and checks each one against `data-scripts/splits.sha256`
(rerunnable; a file with another hash is an error, never overwritten).

A line is either an id (`2007_000032` → `JPEGImages/2007_000032.jpg` and `SegmentationClass/2007_000032.png`) or two paths
relative to the dataset root (`JPEGImages/a.jpg SegmentationClass/a.png`, or Cityscapes'
`leftImg8bit/train/… gtFine/train/…_gtFine_labelTrainIds.png`). Blank lines are skipped and a last line without a newline
counts (UniMatch's files end so). Every path must stay inside the root and exist. `SplitList.Read` does all of this, and
`VocFolderDataset.Open` calls it. Write a tiny list in UniMatch's format for our folder and read it:
""");

// ---- code cell 5 ----
// UniMatch's format: "image_path mask_path" relative to the root; one line in VOC's id form; a blank line; no final newline.
var tinyList = Path.Combine(root, "labeled.txt");
File.WriteAllText(tinyList,
    string.Join("\n", ids.Take(3).Select(id => $"JPEGImages/{id}.jpg SegmentationClass/{id}.png")) + "\n\n" + ids[3]);
var entries = SplitList.Read(root, tinyList);
Lesson.Show(string.Join("\n", entries.Select((e, n) => $"entry {n}: {Path.GetRelativePath(root, e.ImagePath)}  {Path.GetRelativePath(root, e.MaskPath)}")));

// A split list is data: it must not point the kit at arbitrary files. The error names the list and the line.
var badList = Path.Combine(root, "bad.txt");
File.WriteAllText(badList, $"JPEGImages/{ids[0]}.jpg SegmentationClass/{ids[0]}.png\n../outside.jpg x.png\n");
try { SplitList.Read(root, badList); } catch (KitException e) { Lesson.Show($"refused: {e.Message}"); }

// Cityscapes masks hold 34 "label ids"; models predict 19 "train ids" (road = 7 → 0, car = 26 → 13, bicycle = 33 → 18,
// unlabeled 0 and the classes Cityscapes does not evaluate → 255). 'farcluss data prepare-cityscapes' writes them once.
var labelIds = torch.tensor(new byte[] { 7, 26, 33, 0, 29 });
Lesson.Show($"Cityscapes label ids [{string.Join(", ", labelIds.data<byte>().ToArray())}] → train ids [{string.Join(", ", CityscapesLabels.ToTrainIds(labelIds).data<byte>().ToArray())}] ({string.Join(", ", new[] { 0, 13, 18 }.Select(t => CityscapesLabels.ClassNames[t]))})");

// ---- code cell 6 ----
// The manifest fetch-splits.sh checks against (sha256sum format: hash, two spaces, path): the lists the GPU presets read.
var manifest = File.ReadAllLines(Path.Combine(Lesson.RepositoryRoot, "data-scripts", "splits.sha256"))
    .Where(line => !line.StartsWith('#') && line.Length > 66).ToDictionary(line => line[66..], line => line[..64]);
var presetLists = new[] { Presets.GpuVoc, Presets.GpuVocBlended, Presets.GpuCityscapes }
    .SelectMany(c => new[] { c.Data.LabeledSplit, c.Data.UnlabeledSplit, c.Data.ValidationSplit }).Distinct();
Lesson.Show($"{manifest.Count} split lists pinned by data-scripts/splits.sha256; the GPU presets read:");
Lesson.Show(string.Join("\n", presetLists.Select(list =>
    $"{list,-36} sha256 {manifest[list!][..12]}…  {(File.Exists(DataFolder.Resolve(list!)) ? "present" : "not fetched here")}")));

lessonPage.Text("""
## Open it and look at a batch

Images vary in size in real datasets, so batches are cut with a random crop (padding with 255 in the mask where an image is smaller).
""");

// ---- code cell 7 ----
var cropSize = 48; // ablation: try 64 (the whole canvas) or 32
var voc = VocFolderDataset.Open(root, Path.Combine(root, "ImageSets", "Segmentation", "train.txt"), M2NistLt.ClassNames);
var generator = new Generator(0);
var (vocImages, vocMasks) = voc.LoadBatch(Enumerable.Range(0, 4).Select(i => (long)i).ToArray(), cropSize, generator);
var panels = new List<Panel>();
for (int i = 0; i < 4; i++)
{
    panels.Add(Pictures.Image($"{voc.Samples[i].ImagePath.Split('/')[^1]}", vocImages[i][0]));
    panels.Add(Pictures.Mask("mask", vocMasks[i]));
}
Lesson.Show(LessonCharts.Pictures($"VOC-layout samples, random {cropSize}×{cropSize} crops", panels, columns: 4, numClasses: voc.NumClasses, classNames: voc.ClassNames));

lessonPage.Text("""
## Train the one trainer on it

The trainer takes in-memory splits: `ToSplit` crops every sample once to one size and holds it as a `SegmentationSplit` (uint8
images and masks), as the trainer does with VOC and Cityscapes. Here a quarter of the samples is labeled, the rest unlabeled,
and the first 16 samples double as a test split.
""");

// ---- code cell 8 ----
var all = voc.ToSplit("all", cropSize, generator);
int labeledCount = voc.Count / 4;
var ownData = new TrainingData(all.Slice("labeled", 0, labeledCount), all.Slice("unlabeled", labeledCount, voc.Count - labeledCount), null,
    all.Slice("test", 0, Math.Min(16, voc.Count)), voc.ClassNames, voc.Channels);
var ownConfig = Lesson.Config with { Steps = Lesson.Pick(100, 10), LabeledBatch = 4, UnlabeledBatch = 4 };
var ownRun = "the trainer of “Train the one trainer on it”";
var trainer = Lesson.Try(ownRun, () => new Trainer(ownConfig, ownData) { OnProgress = Lesson.ShowProgress("FARCLUSS on the folder dataset", ownConfig.Steps).Report });
var ownResult = trainer is null ? null : Lesson.Try(ownRun, () => trainer.Run()); // the trainer (and its teacher) is kept for the sliding-window section; disposed at the end
if (ownResult is not null)
    Lesson.Show(LessonCharts.PerClassIou($"Folder dataset: per-class IoU after {ownConfig.Steps} steps (mIoU {100 * ownResult.TeacherTest.MeanIoU:F1}%)",
        [("teacher", ownResult.TeacherTest.PerClassIoU), ("student", ownResult.StudentTest.PerClassIoU)], voc.ClassNames));

lessonPage.Text("""
## Theory: sliding-window evaluation

A full-scale model trains on square crops of side w (801 on Cityscapes) but is scored on whole images (1024 × 2048).
VOC's images (at most 500 × 500) are scored whole, as UniMatch does; Cityscapes' are scored with windows of the crop size.
Along a side of length L, with stride `s = ⌊f · w⌋` (f = `evaluation.stride_fraction`, 2/3 by default):

- number of windows: `n = 1` if L ≤ w, else `n = ⌈(L − w) / s⌉ + 1`;
- their starts: `start_i = min(i · s, L − w)` for i = 0 … n − 1.

The last window is moved back to end at the border, so every window is whole and every pixel is covered; a side
shorter than the window is one window of that side. The windows of the two sides are combined (rows × columns), and
the logits are averaged where windows overlap:

`z̄(p) = Σ_{k : p ∈ W_k} f(x_{W_k})(p) / N(p)`, with `N(p) = #{k : p ∈ W_k}` the number of windows covering pixel p.

If w ≥ L on both sides there is one window, the image itself: sliding-window evaluation *is* whole-image evaluation.
Re-derive `gpu-cityscapes`' windows by hand (w = 801, s = ⌊801 · 2/3⌋ = 534; rows 1024: ⌈223/534⌉ + 1 = 2; columns 2048:
⌈1247/534⌉ + 1 = 4, the last moved from 1602 back to 1247; 2 × 4 = 8 windows an image) and check against the library:
""");

// ---- code cell 9 ----
long[] StartsByHand(long size, int window, int stride)
{
    if (size <= window) return [0];
    long n = (long)Math.Ceiling((double)(size - window) / stride) + 1;
    return Enumerable.Range(0, (int)n).Select(i => Math.Min(i * (long)stride, size - window)).ToArray();
}
var (cityWindow, cityStride) = Presets.GpuCityscapes.Data.Evaluation.Resolve(Presets.GpuCityscapes.Data.CropSize);
Lesson.Show(string.Join("\n", new[] { ("rows", 1024L), ("columns", 2048L) }.Select(side =>
    $"Cityscapes {side.Item1} ({side.Item2} px), window {cityWindow}, stride {cityStride}: by hand [{string.Join(", ", StartsByHand(side.Item2, cityWindow, cityStride))}], " +
    $"library [{string.Join(", ", SlidingWindow.Starts(side.Item2, cityWindow, cityStride))}]")));

lessonPage.Text("""
How many windows cover each pixel, N(p), for our canvases and for a Cityscapes image (every 16th pixel shown). Change the
window and rerun this cell and the next: a window of the canvas' side (or larger) is one window everywhere; a smaller stride
fraction gives more overlap and more forward passes.
""");

// ---- code cell 10 ----
var sliding = new EvaluationSettings { Mode = EvaluationSettings.Sliding, Window = 40 }; // ablation: Window = side (64), or StrideFraction = 1.0 / 3
var (window, stride) = sliding.Resolve(cropSize);
var canvasCounts = SlidingWindow.CoverCounts(side, side, window, stride);
var cityCounts = SlidingWindow.CoverCounts(1024, 2048, cityWindow, cityStride);
var cityPreview = cityCounts[TensorIndex.Slice(null, null, 16), TensorIndex.Slice(null, null, 16)];
double mostCovers = Math.Max(canvasCounts.max().item<float>(), cityCounts.max().item<float>());
var titles = new[] { $"canvas {side}×{side}: window {window}, stride {stride}, {SlidingWindow.Starts(side, window, stride).Length}² windows",
                     $"Cityscapes 1024×2048: window {cityWindow}, stride {cityStride}, 2 × 4 windows" };
var coverExtra = Plot.Grid(1, 2, titles, image: true);
coverExtra["height"] = 330;
coverExtra["width"] = 960;
Lesson.Show(Plot.Chart([Plot.Heatmap("N(p), canvas", Pictures.Rows(canvasCounts), "Viridis", 0, mostCovers).InSubplot(1),
            Plot.Heatmap("N(p), Cityscapes", Pictures.Rows(cityPreview), "Viridis", 0, mostCovers, showScale: false).InSubplot(2)],
           Plot.Layout("How many windows cover each pixel, N(p)", extra: coverExtra)));

lessonPage.Text("""
Now the model trained above, on whole canvases of the folder dataset: whole-image logits, sliding windows as large as the
canvas, and the windows chosen above. `Evaluator.ConfusionOf` scores a folder dataset image by image, whole or sliding as
the `EvaluationSettings` say (the presets' `data.evaluation`); here on the first 16 samples, listed in a second split file.
""");

// ---- code cell 11 ----
if (Lesson.Needs(ownRun, ownResult))
{
    var teacher = trainer!.Teacher;
    teacher.eval();
    var (image0, mask0) = voc.LoadSample(0);
    Tensor wholeLogits, oneWindowLogits, slidingLogits;
    using (no_grad())
    {
        var input = voc.Normalization.Apply(image0.unsqueeze(0));
        wholeLogits = teacher.call(input).Logits;
        oneWindowLogits = SlidingWindow.Logits(teacher, input, side, side / 2); // window = the image: one window
        slidingLogits = SlidingWindow.Logits(teacher, input, window, stride);
    }
    Lesson.Show($"window ≥ image gives the whole-image logits exactly: {oneWindowLogits.equal(wholeLogits).all().item<bool>()}; " +
            $"with window {window}, stride {stride}: largest logit difference {(slidingLogits - wholeLogits).abs().max().item<float>():F3}, " +
            $"{slidingLogits.argmax(1).ne(wholeLogits.argmax(1)).sum().item<long>()} of {side * side} pixels change class");

    var valList = Path.Combine(root, "val.txt");
    File.WriteAllLines(valList, ids.Take(16).Select(id => $"JPEGImages/{id}.jpg SegmentationClass/{id}.png"));
    var valVoc = VocFolderDataset.Open(root, valList, M2NistLt.ClassNames);
    var wholeScore = Evaluator.ConfusionOf(teacher, valVoc, CPU, new EvaluationSettings());
    var oneWindowScore = Evaluator.ConfusionOf(teacher, valVoc, CPU, sliding with { Window = side });
    var slidingScore = Evaluator.ConfusionOf(teacher, valVoc, CPU, sliding);
    bool sameMatrix = Enumerable.Range(0, voc.NumClasses).All(t => Enumerable.Range(0, voc.NumClasses).All(p => wholeScore[t, p] == oneWindowScore[t, p]));
    Lesson.Show($"{valVoc.Count} whole canvases: mIoU whole image {100 * wholeScore.MeanIoU():F1}%, window {side} {100 * oneWindowScore.MeanIoU():F1}% " +
            $"(same confusion matrix: {sameMatrix}), window {window}/stride {stride} {100 * slidingScore.MeanIoU():F1}%");
    Lesson.Show(LessonCharts.Pictures($"Sample 0: whole image vs windows of {window} every {stride} px", [
        Pictures.Image("canvas", image0[0]), Pictures.Mask("truth", mask0),
        Pictures.Mask("whole image", wholeLogits.argmax(1)[0]), Pictures.Mask($"windows {window}/{stride}", slidingLogits.argmax(1)[0]),
        Pictures.Heat("class changed", slidingLogits.argmax(1).ne(wholeLogits.argmax(1))[0].to_type(ScalarType.Float32))],
        columns: 5, numClasses: voc.NumClasses, classNames: voc.ClassNames));
}

lessonPage.Text("""
## Theory: ImageNet weights

The paper's backbone starts from ImageNet, not from random weights. torchvision publishes them as `.pth` files
(`resnet101-63fe2227.pth`): a zip holding the tensors' bytes and a Python pickle that describes them. Python's unpickler
would call any function a pickle names, so the kit reads the pickle itself (`PthFile`, `StateDictPickle`): the file may
name only `collections.OrderedDict`, `torch._utils._rebuild_tensor_v2` and `torch.*Storage`, and anything else
(`os.system`, `builtins.eval`) is refused at that name, before a tensor is made. Set `model.backbone_weights` to the
`.pth` as downloaded; no Python is needed. For a file in PyTorch's format from before 1.6, which the reader refuses, the
optional `data-scripts/convert-torchvision-weights.py` converts it once, in your Python, to TorchSharp's format:

```bash
python3 data-scripts/convert-torchvision-weights.py resnet50-19c8e357.pth data/weights/resnet50.bin
```

When the file keeps torchvision's name, its sha256 is checked against the 8 hex digits in it; either way every tensor keeps its name (`conv1.weight`, `layer1.0.bn1.running_mean`, …, `fc.*`). In C#,
`ResNetBackbone` is built with torchvision's names, layer for layer, so `PretrainedBackbone.Load` maps by name: every
backbone tensor (weights, BatchNorm statistics, `num_batches_tracked`) must be in the file with the same shape, the
classifier `fc.*` is ignored, and anything else fails *before a single value is copied*, listing what is missing,
unexpected and mis-shaped. In a run, `model.backbone_weights` (the GPU presets: `weights/resnet101-63fe2227.pth`) loads into the
student before the teacher copies it, and the backbone then learns at 0.1× the head's rate.

torchvision's files cannot be downloaded here, so we load the kit's test fixture: a torchvision-style ResNet at base
width 8 (the real ones: 64) with [2, 1, 2, 2] Bottleneck blocks (ResNet-50: [3, 4, 6, 3], ResNet-101: [3, 4, 23, 3]),
random weights saved by PyTorch 1.13 (`tiny-resnet.pth`; the cells below load its conversion, `tiny-resnet.bin`, and the `.pth` loads the same), with PyTorch's own layer1 and layer4 outputs
for one input (`tests/Farcluss.Tests/Fixtures/tiny-resnet/`).
""");

// ---- code cell 12 ----
var fixture = Path.Combine(Lesson.RepositoryRoot, "tests", "Farcluss.Tests", "Fixtures", "tiny-resnet");
var tinyBackbone = new ResNetBackbone([2, 1, 2, 2], (false, false, true), 3, 8); // layer4 dilated: output stride 16
var imported = PretrainedBackbone.Load(tinyBackbone, Path.Combine(fixture, "tiny-resnet.bin"));
Lesson.Show($"{imported.Loaded.Count} tensors loaded by name ({string.Join(", ", imported.Loaded.Take(3))}, …, {imported.Loaded[^1]}); " +
        $"ignored: {string.Join(", ", imported.Ignored)}");

// The same input through PyTorch 1.13 (reference.bin) and through the imported backbone in TorchSharp, eval mode.
var pytorch = StateDictFile.Read(Path.Combine(fixture, "reference.bin"));
tinyBackbone.eval();
ResNetFeatures mine;
using (no_grad()) mine = tinyBackbone.call(pytorch["input"]);
Lesson.Show($"layer1 {string.Join("×", mine.LowLevel.shape)}: largest difference from PyTorch {(mine.LowLevel - pytorch["low_level_os16"]).abs().max().item<float>():E1}; " +
$"layer4 {string.Join("×", mine.Deep.shape)}: {(mine.Deep - pytorch["deep_os16"]).abs().max().item<float>():E1}");

// ---- code cell 13 ----
// A file that does not fit is refused, listing what does not fit, and nothing is copied.
// ablation: try blocks [2, 1, 2, 3] (missing tensors) or [2, 1, 1, 2] (unexpected ones)
using (var wider = new ResNetBackbone([2, 1, 2, 2], (false, false, true), 3, 16))
{
    try { PretrainedBackbone.Load(wider, Path.Combine(fixture, "tiny-resnet.bin")); }
    catch (KitException e) { Lesson.Show($"refused: {e.Message}"); }
}

lessonPage.Text("""
## Full scale: DeepLabV3+ with a ResNet backbone

The paper's model is DeepLabV3+ on ResNet-50/101, trained on a GPU. The kit builds it with the same factory;
on this CPU we only build ResNet-50 and run one small forward pass to see the shapes.
""");

// ---- code cell 14 ----
var resnet = ModelFactory.Create(new ModelSettings { Kind = ModelSettings.ResNet50, NumClasses = 21, InChannels = 3 });
SegmentationOutput output;
using (no_grad()) { resnet.eval(); output = resnet.call(torch.randn(1, 3, 64, 64)); }
Lesson.Show($"{resnet.Architecture}: {resnet.parameters().Sum(p => p.numel()):N0} parameters; logits {string.Join("×", output.Logits.shape)}, features {string.Join("×", output.Features.shape)} (decoder stride {resnet.DecoderOutputStride})");

lessonPage.Text("""
## The three GPU presets

Each is one named configuration: DeepLabV3+ ResNet-101 (output stride 16) from torchvision's ImageNet weights, SGD with the
backbone at 0.1×, poly decay, UniMatch's split lists and weak view, every FARCLUSS part at its default. The table is printed
from the preset objects themselves. The exact commands, GPU memory and time estimates (with their reasoning), what to do
when memory is short, and where the kit differs from UniMatch's pipeline are in [docs/full-scale.md](../docs/full-scale.md).
""");

// ---- code cell 15 ----
var gpuPresets = Presets.All.Keys.Where(name => name.StartsWith("gpu-")).Select(name => (Name: name, Config: Presets.Get(name))).ToList();
string EvaluationOf(DataSettings d) => d.Evaluation.Mode == EvaluationSettings.Sliding
    ? $"sliding {d.Evaluation.Resolve(d.CropSize).Window}, stride {d.Evaluation.Resolve(d.CropSize).Stride}" : "whole image";
var rows = new (string Label, Func<TrainingConfig, string> Value)[]
{
    ("data", c => $"{c.Data.Kind}, {c.Model.NumClasses} classes"),
    ("labeled split", c => c.Data.LabeledSplit!),
    ("unlabeled split", c => c.Data.UnlabeledSplit!),
    ("scored on", c => c.Data.ValidationSplit!),
    ("crop", c => $"{c.Data.CropSize}"),
    ("batch (l + u)", c => $"{c.LabeledBatch} + {c.UnlabeledBatch}"),
    ("evaluation", c => EvaluationOf(c.Data)),
    ("model", c => $"{c.Model.Kind}, output stride {c.Model.OutputStride ?? 16}"),
    ("backbone weights", c => c.Model.BackboneWeights ?? "random"),
    ("optimizer", c => $"{c.Optimizer.Name} {c.Optimizer.LearningRate:G}, backbone ×{c.Optimizer.BackboneLrMultiplier:G}, poly {c.Optimizer.PolyPower:G}"),
    ("steps", c => $"{c.Steps:N0}"),
    ("device", c => c.Device),
};
Lesson.Show(string.Join("\n", new[] { $"{"",-17}" + string.Concat(gpuPresets.Select(p => $"{p.Name,-38}")) }
    .Concat(rows.Select(row => $"{row.Label,-17}" + string.Concat(gpuPresets.Select(p => $"{row.Value(p.Config),-38}"))))));

lessonPage.Text("""
A config file with snake_case keys lays changes over a preset (`--config file.json`; `configs/gpu-voc-half-batch.json` halves
both batches for a smaller GPU); an unknown key is an error. The keys of `gpu-cityscapes` that differ from `gpu-voc`, as a config file spells them (`ConfigFile.ToJson(Presets.GpuCityscapes)` prints
the whole file, about 130 lines):
""");

// ---- code cell 16 ----
#nullable enable // this cell writes nullable types (T?); a cell is compiled without a nullable context otherwise
// Flattens a config's JSON to "section.key = value" lines, so two presets can be compared line by line.
IEnumerable<string> Flat(System.Text.Json.Nodes.JsonNode? node, string path) => node switch
{
    System.Text.Json.Nodes.JsonObject o => o.SelectMany(kv => Flat(kv.Value, path.Length == 0 ? kv.Key : $"{path}.{kv.Key}")),
    _ => [$"{path} = {node?.ToJsonString() ?? "null"}"],
};
var vocLines = Flat(System.Text.Json.Nodes.JsonNode.Parse(ConfigFile.ToJson(Presets.GpuVoc)), "").ToHashSet();
Lesson.Show(string.Join("\n", Flat(System.Text.Json.Nodes.JsonNode.Parse(ConfigFile.ToJson(Presets.GpuCityscapes)), "").Where(line => !vocLines.Contains(line))));

lessonPage.Text("""
### The CUDA switch

- `FARCLUSS_BACKEND=cuda ./farcluss train --preset gpu-voc --device cuda` builds the CLI once against `TorchSharp-cuda-linux`
  (into `.build/cli-cuda`) instead of the CPU libtorch, then trains (`--preset gpu-voc-blended` and `--preset gpu-cityscapes` likewise).
  Building by hand: `dotnet build -p:FarclussBackend=cuda`. In a notebook, reference `#r "nuget: TorchSharp-cuda-linux, 0.107.0"`
  instead of `libtorch-cpu-linux-x64` in the first cell.
- The CUDA packages are not available to this kit's CI, so that path is documented, not tested here; TorchSharp 0.107.0 has no
  autocast, so training runs in float32 (docs/full-scale.md, "CUDA and mixed precision").
""");

// ---- code cell 17 ----
Lesson.Show($"device 'auto' resolves to {DeviceChoice.Resolve("auto")} here; CUDA available: {torch.cuda.is_available()}");

lessonPage.Text("""
The temporary folder and the trainer are no longer needed (rerun from the cell that writes the folder to get them back):
""");

// ---- code cell 18 ----
trainer?.Dispose();
Directory.Delete(root, recursive: true);
Lesson.Show($"removed {root}");

lessonPage.Text("""
## Summary

- `VocFolderDataset.Open(root, splitList, classNames)` reads the VOC layout safely; `ToSplit` crops it once into the form the trainer takes.
- Split lists are the field's shared protocol: `fetch-splits.sh` fetches UniMatch's 35 lists and checks their sha256; `SplitList.Read` reads
  ids or `image mask` pairs and refuses paths that leave the root.
- Sliding windows: `n = ⌈(L − w) / s⌉ + 1` starts per side, the last moved to end at the border, logits averaged over the
  N(p) windows covering each pixel; a window ≥ the image is whole-image evaluation, exactly. `gpu-cityscapes` uses 801/534.
- ImageNet weights: `model.backbone_weights` takes torchvision's `.pth` as published, read in C# by a reader that refuses any name but
  tensors, storages and plain containers (the Python converter is optional); `PretrainedBackbone` maps every tensor by name, ignores
  `fc.*`, and refuses a file that does not fit before copying anything.
- Full scale is a preset (`gpu-voc`, `gpu-voc-blended`, `gpu-cityscapes`), a model kind (`resnet50`/`resnet101`) and a build switch
  (`FARCLUSS_BACKEND=cuda`); the recipe and its estimates are in [docs/full-scale.md](../docs/full-scale.md).

## Exercises

1. Break the dataset on purpose: put a mask value 77 in one PNG, or a line `/etc/passwd x.png` in train.txt. Read the error.
2. Save the masks as VOC palette PNGs (`VocPalette.Colormap`) instead of greyscale: does anything change for the kit?
3. Set the sliding window to 24 with `StrideFraction = 1.0 / 3`: how many windows per canvas, how many forward passes, and does mIoU move?
   Work out n by hand first.
4. Load the fixture into a backbone with output stride 8 (`(false, true, true)`) and compare with `reference.bin`'s `deep_os8`.
5. Write a JSON config that lays `"steps": 5000` and `"optimizer": {"learning_rate": 0.002}` over `gpu-voc` and load it with `ConfigFile.Load`.

← Previous: [08 · What it costs](08-cost.ipynb) · [Course index](README.md)
""");

lessonPage.Finish();
