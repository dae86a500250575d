using static TorchSharp.torch;

namespace Farcluss.Models;

/// <summary>What <see cref="PretrainedBackbone.Load"/> did: every backbone tensor it set, and the file's tensors it left out (fc.*).</summary>
public sealed record WeightImport(IReadOnlyList<string> Loaded, IReadOnlyList<string> Ignored);

/// <summary>
/// Loads ImageNet weights (torchvision's resnet50/resnet101 state dict: its .pth as published, read by
/// <see cref="PthFile"/>, or the same converted to TorchSharp's format by the optional
/// <c>data-scripts/convert-torchvision-weights.py</c>, read by <see cref="StateDictFile"/>) into a <see cref="ResNetBackbone"/>, by name:
/// <see cref="ResNetBackbone"/>'s names are torchvision's, so every one of its tensors (weights,
/// BatchNorm statistics, num_batches_tracked) must be in the file with the same shape, and every
/// tensor of the file must be used except the classifier <c>fc.*</c>. Anything else fails before
/// a single value is copied, listing what is missing, unexpected and mis-shaped. Taught in notebook 09.
/// </summary>
public static class PretrainedBackbone
{
    /// <summary>The file's tensors that a segmentation backbone does not use: ImageNet's classifier.</summary>
    public static bool IsClassifier(string name) => name.StartsWith("fc.", StringComparison.Ordinal);

    /// <summary>Loads into the backbone of a ResNet DeepLabV3+ (a relative <paramref name="path"/> is under
    /// the data folder, <see cref="Data.DataFolder"/>); any other model is a <see cref="KitException"/>.</summary>
    public static WeightImport LoadInto(SegmentationModel model, string path) => model is ResNetDeepLabV3Plus resnet
        ? Load(resnet.Backbone, Data.DataFolder.Resolve(path))
        : throw new KitException($"backbone weights are for the ResNet models; this model is {model.Architecture}", path);

    public static WeightImport Load(ResNetBackbone backbone, string path)
    {
        if (!File.Exists(path)) throw new KitException("weights file not found", path);
        var file = PthFile.IsZip(path) ? PthFile.Read(path) : StateDictFile.Read(path);
        try
        {
            var model = backbone.state_dict();
            var ignored = file.Keys.Where(IsClassifier).ToList();
            var unexpected = file.Keys.Where(k => !IsClassifier(k) && !model.ContainsKey(k)).ToList();
            var missing = model.Keys.Where(k => !file.ContainsKey(k)).ToList();
            var misShaped = model.Keys.Where(k => file.TryGetValue(k, out var t) && !t.shape.SequenceEqual(model[k].shape))
                .Select(k => $"{k} (file [{string.Join(", ", file[k].shape)}], model [{string.Join(", ", model[k].shape)}])").ToList();
            if (missing.Count + unexpected.Count + misShaped.Count > 0)
                throw new KitException("these weights do not fit the ResNet backbone: " + string.Join("; ", new[]
                {
                    Describe("missing from the file", missing), Describe("unexpected in the file", unexpected), Describe("with another shape", misShaped),
                }.Where(s => s.Length > 0)) + " (is it torchvision's resnet50/resnet101 state dict for the model's depth?)", path);

            using (no_grad())
                foreach (var (name, target) in model)
                    target.copy_(file[name].to_type(target.dtype));
            return new WeightImport(model.Keys.ToList(), ignored);
        }
        finally
        {
            foreach (var tensor in file.Values) tensor.Dispose();
        }
    }

    /// <summary>"3 missing from the file: a, b, c, …" with at most five names.</summary>
    static string Describe(string what, List<string> names) => names.Count == 0 ? ""
        : $"{names.Count} {what}: {string.Join(", ", names.Take(5))}{(names.Count > 5 ? ", …" : "")}";
}
