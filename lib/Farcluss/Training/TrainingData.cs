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
            default:
                throw new KitException($"unknown data.kind '{settings.Kind}' for training; known: m2nist-lt (voc-folder: see notebook 09)");
        }
    }
}
