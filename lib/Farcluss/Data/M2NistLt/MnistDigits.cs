namespace Farcluss.Data;

/// <summary>
/// One MNIST split in memory: <see cref="Images"/> (28×28 greyscale digits) and their
/// <see cref="Labels"/> (0–9), checked to agree in count and range. The M2NIST-LT canvases are
/// built from these. Taught in notebook 00.
/// </summary>
public sealed record MnistDigits(IdxImages Images, byte[] Labels)
{
    /// <summary>Number of digits.</summary>
    public int Count => Labels.Length;

    /// <summary>Reads an image/label IDX pair and checks the labels are digits.</summary>
    public static MnistDigits Load(string imagesPath, string labelsPath)
    {
        var (images, labels) = IdxReader.LoadPair(imagesPath, labelsPath);
        return Create(images, labels, labelsPath);
    }

    /// <summary>Wraps an already-read pair, checking counts and that every label is 0–9.</summary>
    public static MnistDigits Create(IdxImages images, byte[] labels, string labelsName = "labels")
    {
        if (images.Count != labels.Length)
            throw new KitException($"{images.Count} images but {labels.Length} labels", labelsName);
        int bad = Array.FindIndex(labels, l => l > 9);
        if (bad >= 0)
            throw new KitException($"label {labels[bad]} at index {bad} is not a digit 0-9", labelsName);
        return new MnistDigits(images, labels);
    }

    /// <summary>Indices of the digits of each class, in file order: <c>result[d]</c> lists the digits labelled d.</summary>
    public int[][] IndicesByClass(IEnumerable<int>? subset = null)
    {
        var lists = Enumerable.Range(0, 10).Select(_ => new List<int>()).ToArray();
        foreach (int i in subset ?? Enumerable.Range(0, Count)) lists[Labels[i]].Add(i);
        return lists.Select(l => l.ToArray()).ToArray();
    }
}
