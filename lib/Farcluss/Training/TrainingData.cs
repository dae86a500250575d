using Farcluss.Config;
using Farcluss.Data;

namespace Farcluss.Training;

/// <summary>The splits a run uses. Unlabeled images of M2NIST-LT keep their masks, for diagnostics only.</summary>
public sealed record TrainingData(
    SegmentationSplit Labeled,
    SegmentationSplit? Unlabeled,
    SegmentationSplit? Validation,
    SegmentationSplit Test,
    IReadOnlyList<string> ClassNames,
    int Channels)
{
    public int NumClasses => ClassNames.Count;

    /// <summary>
    /// The <paramref name="count"/> classes with the fewest pixels in the training masks (labeled, plus
    /// the hidden masks of the unlabeled split when it has them): the "rarest three" of the reports.
    /// </summary>
    public int[] RarestClasses(int count)
    {
        var pixels = Labeled.ClassPixelCounts(NumClasses);
        if (Unlabeled is not null) pixels = pixels.Zip(Unlabeled.ClassPixelCounts(NumClasses), (a, b) => a + b).ToArray();
        return Enumerable.Range(0, NumClasses).Where(c => pixels[c] > 0).OrderBy(c => pixels[c]).Take(count).ToArray();
    }

    /// <summary>Builds the splits a config names (generating M2NIST-LT from the MNIST files when asked).</summary>
    public static TrainingData Load(DataSettings settings)
    {
        switch (settings.Kind)
        {
            case "m2nist-lt":
                var dataset = M2NistLt.Load(settings.Root ?? MnistFiles.DefaultDirectory(), settings.M2Nist);
                return new TrainingData(dataset.Labeled, dataset.Unlabeled, dataset.Validation, dataset.Test, dataset.ClassNames, dataset.Channels);
            case "voc-folder" or "cityscapes-folder":
                return LoadFolder(settings);
            default:
                throw new KitException($"unknown data.kind {Echo.Quote(settings.Kind)} for training; known: m2nist-lt, voc-folder, cityscapes-folder");
        }
    }

    /// <summary>
    /// VOC or Cityscapes from their folders and UniMatch-style split lists: labeled and unlabeled
    /// samples cropped to <see cref="DataSettings.CropSize"/> once (a fixed generator, so every run sees
    /// the same crops) and held in memory; the validation list whole, scored as
    /// <see cref="DataSettings.Evaluation"/> says, as the run's "test" split (the papers report val).
    /// </summary>
    static TrainingData LoadFolder(DataSettings settings)
    {
        settings.Evaluation.Validate();
        bool cityscapes = settings.Kind == "cityscapes-folder";
        string dataFolder = DataFolder.Root();
        string root = settings.Root ?? Path.Combine(dataFolder, cityscapes ? "cityscapes" : "voc");
        if (!Directory.Exists(root))
            throw new KitException($"dataset folder not found: run data-scripts/{(cityscapes ? "fetch-cityscapes.sh" : "fetch-voc.sh")} or set data.root", root);
        if (settings.CropSize < 1) throw new KitException($"data.crop_size must be ≥ 1 for {settings.Kind}, got {settings.CropSize}");
        string Require(string? list, string key) => list is null
            ? throw new KitException($"data.{key} is required for {settings.Kind} (see docs/full-scale.md)")
            : File.Exists(DataFolder.Resolve(list)) ? DataFolder.Resolve(list)
            : throw new KitException($"split list not found (data.{key}): run data-scripts/fetch-splits.sh, or give an absolute path", DataFolder.Resolve(list));
        VocFolderDataset Open(string list) => cityscapes ? CityscapesLayout.Open(root, list) : VocFolderDataset.Open(root, list);

        var labeledSet = Open(Require(settings.LabeledSplit, "labeled_split"));
        var validationSet = Open(Require(settings.ValidationSplit, "validation_split"));
        var window = settings.Evaluation.Mode == EvaluationSettings.Sliding ? settings.Evaluation.Resolve(settings.CropSize) : ((int, int)?)null;
        validationSet.RequireEvaluable(window?.Item1); // from the headers, before minutes of decoding the training images
        var labeled = labeledSet.ToSplit("labeled", settings.CropSize, new TorchSharp.torch.Generator(1));
        var unlabeled = settings.UnlabeledSplit is null ? null
            : Open(Require(settings.UnlabeledSplit, "unlabeled_split")).ToSplit("unlabeled", settings.CropSize, new TorchSharp.torch.Generator(2));
        var test = validationSet.ToCanvasSplit("validation", window);
        return new TrainingData(labeled, unlabeled, null, test, labeledSet.ClassNames, labeledSet.Channels);
    }
}
