using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace Farcluss.Data;

/// <summary>
/// Cityscapes in its own folder layout, as the split lists of UniMatch name it:
/// <c>leftImg8bit/{train,val}/&lt;city&gt;/*_leftImg8bit.png</c> and
/// <c>gtFine/{train,val}/&lt;city&gt;/*_gtFine_labelTrainIds.png</c>. Cityscapes ships
/// <c>*_gtFine_labelIds.png</c>; <see cref="Prepare"/> writes the labelTrainIds masks beside them
/// (<see cref="CityscapesLabels"/>), in C#, so no Python is needed (<c>farcluss data prepare-cityscapes</c>,
/// run by <c>data-scripts/fetch-cityscapes.sh</c>). Taught in notebook 09.
/// </summary>
public static class CityscapesLayout
{
    public const string LabelIdsSuffix = "_gtFine_labelIds.png";
    public const string TrainIdsSuffix = "_gtFine_labelTrainIds.png";

    /// <summary>Opens a split of a prepared Cityscapes folder: 19 classes, masks in train ids.</summary>
    public static VocFolderDataset Open(string root, string splitFile)
    {
        foreach (var folder in new[] { "leftImg8bit", "gtFine" })
            if (!Directory.Exists(Path.Combine(root, folder)))
                throw new KitException($"no {folder}/ folder: not a Cityscapes root (see data-scripts/fetch-cityscapes.sh)", root);
        if (!Directory.EnumerateFiles(Path.Combine(root, "gtFine"), "*" + TrainIdsSuffix, SearchOption.AllDirectories).Any())
            throw new KitException($"gtFine/ holds no *{TrainIdsSuffix} masks yet: run `farcluss data prepare-cityscapes --root {root}` first", root);
        return VocFolderDataset.Open(root, splitFile, CityscapesLabels.ClassNames);
    }

    /// <summary>
    /// Writes <c>X_gtFine_labelTrainIds.png</c> (8-bit greyscale: train id or 255) for every
    /// <c>X_gtFine_labelIds.png</c> under <c>root/gtFine</c>. Each file is written to a temporary name
    /// and renamed, so a killed run leaves whole files only; a rerun rewrites them all (same bytes).
    /// Returns how many masks were written.
    /// </summary>
    public static int Prepare(string root, Action<int, int>? progress = null)
    {
        var gtFine = Path.Combine(root, "gtFine");
        if (!Directory.Exists(gtFine)) throw new KitException("no gtFine/ folder: not a Cityscapes root", root);
        var sources = Directory.EnumerateFiles(gtFine, "*" + LabelIdsSuffix, SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        if (sources.Count == 0) throw new KitException($"gtFine/ holds no *{LabelIdsSuffix} masks", root);
        for (int i = 0; i < sources.Count; i++)
        {
            var source = sources[i];
            var target = source[..^LabelIdsSuffix.Length] + TrainIdsSuffix;
            using (var scope = NewDisposeScope())
            {
                var trainIds = CityscapesLabels.ToTrainIds(SafeImageReader.ReadIndexMask(source));
                WriteGreyPng(trainIds, target);
            }
            progress?.Invoke(i + 1, sources.Count);
        }
        return sources.Count;
    }

    /// <summary>An uint8 [H, W] tensor as an 8-bit greyscale PNG, atomically.</summary>
    static void WriteGreyPng(Tensor mask, string path)
    {
        int height = (int)mask.shape[0], width = (int)mask.shape[1];
        var bytes = mask.to_type(ScalarType.Byte).contiguous().data<byte>().ToArray();
        using var image = Image.LoadPixelData<L8>(bytes, width, height);
        var temporary = path + ".tmp";
        image.SaveAsPng(temporary, new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit8 });
        File.Move(temporary, path, overwrite: true);
    }
}
