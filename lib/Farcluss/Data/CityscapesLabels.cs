namespace Farcluss.Data;

/// <summary>
/// Cityscapes' 19 evaluated classes and the map from the 34 "label ids" its
/// <c>*_gtFine_labelIds.png</c> masks hold to the 19 "train ids" (0…18) that models predict and
/// benchmarks score; every other id (void classes, and parking, rail track, guard rail, bridge,
/// tunnel, polegroup, caravan, trailer, which Cityscapes does not evaluate) becomes
/// <see cref="Labels.Ignore"/>. The table is cityscapesScripts' <c>labels.py</c>. Taught in notebook 09.
/// </summary>
public static class CityscapesLabels
{
    /// <summary>The 19 classes, index = train id.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
    [
        "road", "sidewalk", "building", "wall", "fence", "pole", "traffic light", "traffic sign", "vegetation",
        "terrain", "sky", "person", "rider", "car", "truck", "bus", "train", "motorcycle", "bicycle",
    ];

    /// <summary>The label id of each train id (road = 7 … bicycle = 33).</summary>
    static readonly byte[] LabelIdOfTrainId = [7, 8, 11, 12, 13, 17, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 31, 32, 33];

    /// <summary>256 entries, one per possible byte of a labelIds PNG: the train id, or 255.</summary>
    public static IReadOnlyList<byte> TrainIdOfLabelId { get; } = BuildTable();

    static byte[] BuildTable()
    {
        var table = Enumerable.Repeat((byte)Labels.Ignore, 256).ToArray();
        for (int trainId = 0; trainId < LabelIdOfTrainId.Length; trainId++) table[LabelIdOfTrainId[trainId]] = (byte)trainId;
        return table;
    }

    /// <summary>Maps a labelIds mask (uint8 [H, W]) to train ids, on the tensor side (one lookup, no pixel loop).</summary>
    public static TorchSharp.torch.Tensor ToTrainIds(TorchSharp.torch.Tensor labelIds)
    {
        using var table = TorchSharp.torch.tensor(TrainIdOfLabelId.ToArray());
        return table[labelIds.to_type(TorchSharp.torch.ScalarType.Int64)];
    }
}
