using Farcluss.Config;
using Farcluss.Data;
using Farcluss.Evaluation;
using Farcluss.Models;
using Farcluss.Tests.Evaluation;
using Farcluss.Training;
using static TorchSharp.torch;

namespace Farcluss.Tests.Training;

/// <summary>The full-scale path at a tiny size on the CPU: folder data, ResNet DeepLabV3+, the GPU presets' optimizer.</summary>
public class FullScaleTrainingTests
{
    static FullScaleTrainingTests() => Farcluss.Runtime.NativeLibTorch.EnsureLoadable();

    [Fact]
    public void ResNetDeepLabV3PlusTrainsOnFolderDataWithTheBackboneAtATenthAndPolyDecay()
    {
        using var dir = SlidingWindowTests.MakeVocFolder(); // a: 40×36, b: 28×30, masks 0/1/2, void first row
        var dataSettings = Presets.GpuVoc.Data with
        {
            Root = dir.Path,
            LabeledSplit = dir.File("val.txt"),
            UnlabeledSplit = dir.File("val.txt"),
            ValidationSplit = dir.File("val.txt"),
            CropSize = 32,
            Evaluation = new EvaluationSettings { Mode = EvaluationSettings.Sliding },
        };
        var data = TrainingData.Load(dataSettings);
        Assert.Equal((2, 32, 32), (data.Labeled.Count, data.Labeled.Height, data.Labeled.Width));
        Assert.Equal(21, data.NumClasses);
        // b (28×30) padded to 32×32: 1024 − 840 = 184 padded pixels + its void first row of 28 = 212 ignored.
        Assert.Equal(212, data.Labeled.Masks[1].eq(255).sum().item<long>());
        Assert.Equal(new[] { (36, 40), (30, 28) }, data.Test.SampleSizes);
        Assert.Equal((36, 40), (data.Test.Height, data.Test.Width));
        Assert.Equal((32, 21), data.Test.SlidingWindow); // window = crop, stride ⌊32·2/3⌋

        var config = Presets.GpuVoc with
        {
            Data = dataSettings,
            Model = Presets.GpuVoc.Model with { Kind = ModelSettings.ResNet50, BackboneWeights = null },
            Steps = 4, LabeledBatch = 2, UnlabeledBatch = 2, Device = "cpu", Threads = 1,
            Method = new MethodSettings { Anchors = 64 },
        };
        using var trainer = new Trainer(config, data);
        var student = (ResNetDeepLabV3Plus)trainer.Student;
        var groups = trainer.Optimizer.ParamGroups.ToList();
        Assert.Equal(2, groups.Count);
        // ResNet-50's backbone parameters by hand: stem conv + BatchNorm 3; 16 Bottlenecks × 9; 4 downsamples × 3 = 159.
        Assert.Equal(159, ((TorchSharp.Modules.ParamGroup)groups[1]).Parameters.Count());
        Assert.Equal(159, student.BackboneParameters().Count());
        var stemBefore = student.Backbone.state_dict()["conv1.weight"].clone();

        trainer.TrainStep(); // t = 0: poly factor (1 − 0/4)^0.9 = 1
        Assert.Equal(1e-3, groups[0].LearningRate, 12);
        Assert.Equal(1e-4, groups[1].LearningRate, 12);
        trainer.TrainStep(); // t = 1: 0.75^0.9 = e^(0.9 · ln 0.75) = e^(−0.258914) = 0.778801 · 0.991126 = 0.771890
        Assert.Equal(7.71890e-4, groups[0].LearningRate, 9);
        Assert.Equal(7.71890e-5, groups[1].LearningRate, 10);
        Assert.Equal(0, trainer.BadSteps);
        Assert.False(student.Backbone.state_dict()["conv1.weight"].eq(stemBefore).all().item<bool>()); // the backbone learns

        // Sliding-window evaluation of the teacher: every non-void pixel of both whole images, once.
        var matrix = Evaluator.ConfusionOf(trainer.Teacher, data.Test, data.NumClasses, CPU);
        long counted = 0;
        for (int t = 0; t < data.NumClasses; t++)
            for (int p = 0; p < data.NumClasses; p++) counted += matrix[t, p];
        Assert.Equal(40 * 35 + 28 * 29, counted);
    }

    [Fact]
    public void TheGpuPresetsAreTheRecipes()
    {
        var voc = Presets.Get("gpu-voc");
        Assert.Equal(("voc-folder", 321, EvaluationSettings.Whole), (voc.Data.Kind, voc.Data.CropSize, voc.Data.Evaluation.Mode));
        Assert.Equal("splits/pascal/92/labeled.txt", voc.Data.LabeledSplit);
        Assert.Equal(("resnet101", "weights/resnet101-63fe2227.pth"), (voc.Model.Kind, voc.Model.BackboneWeights));
        Assert.Equal(("sgd", 1e-3, 0.1, 0.9), (voc.Optimizer.Name, voc.Optimizer.LearningRate, voc.Optimizer.BackboneLrMultiplier, voc.Optimizer.PolyPower));
        Assert.Equal((0.5, 2.0, true), (voc.Augment.ScaleMin, voc.Augment.ScaleMax, voc.Augment.FlipHorizontal));

        var blended = Presets.Get("gpu-voc-blended");
        Assert.Equal(("splits/pascal/1_16/labeled.txt", 513), (blended.Data.LabeledSplit, blended.Data.CropSize));

        var cityscapes = Presets.Get("gpu-cityscapes");
        Assert.Equal(("cityscapes-folder", 801, EvaluationSettings.Sliding), (cityscapes.Data.Kind, cityscapes.Data.CropSize, cityscapes.Data.Evaluation.Mode));
        Assert.Equal((801, 534), cityscapes.Data.Evaluation.Resolve(cityscapes.Data.CropSize));
        Assert.Equal((19, 0.1), (cityscapes.Model.NumClasses, cityscapes.Optimizer.BackboneLrMultiplier));

        var halfBatch = ConfigFile.Load(Path.Combine(Farcluss.Tests.Data.MnistTestData.RepoRoot(), "configs", "gpu-voc-half-batch.json"), voc);
        Assert.Equal((4, 4, 5e-4, 2 * voc.Steps, 0.1), (halfBatch.LabeledBatch, halfBatch.UnlabeledBatch, halfBatch.Optimizer.LearningRate,
            halfBatch.Steps, halfBatch.Optimizer.BackboneLrMultiplier));

        // Every preset survives its own config file: written, read back, equal.
        foreach (var name in new[] { "gpu-voc", "gpu-voc-blended", "gpu-cityscapes" })
        {
            var preset = Presets.Get(name);
            var back = ConfigFile.Parse(ConfigFile.ToJson(preset), new TrainingConfig(), name + ".json");
            Assert.Equal(ConfigFile.ToJson(preset), ConfigFile.ToJson(back));
        }
    }

    [Fact]
    public void MissingFullScaleDataSaysWhichScriptToRun()
    {
        using var dir = new Farcluss.Tests.Data.TempDirectory();
        var noRoot = Assert.Throws<KitException>(() => TrainingData.Load(Presets.GpuVoc.Data with { Root = dir.File("voc") }));
        Assert.Contains("run data-scripts/fetch-voc.sh", noRoot.Message);
        Directory.CreateDirectory(dir.File("voc"));
        var noSplit = Assert.Throws<KitException>(() => TrainingData.Load(Presets.GpuVoc.Data with { Root = dir.File("voc"), LabeledSplit = dir.File("none.txt") }));
        Assert.Contains("run data-scripts/fetch-splits.sh", noSplit.Message);
        Assert.Contains("data.crop_size must be ≥ 1", Assert.Throws<KitException>(() =>
            TrainingData.Load(Presets.GpuVoc.Data with { Root = dir.File("voc"), CropSize = 0 })).Message);
    }
}
