using static TorchSharp.torch;

namespace Farcluss.Data;

/// <summary>
/// Generates M2NIST-LT, the kit's small long-tailed segmentation dataset: 1–3 MNIST digits pasted
/// at random positions on a black canvas, each pixel labeled with the digit that covers it
/// (class d + 1; class 0 is background). Digit classes follow a long-tailed law
/// p(d) ∝ ImbalanceRatio^(−d/9), so digit 9 is rare, as small objects are in real scenes.
/// Training and validation canvases use disjoint halves of MNIST-train; test canvases use only
/// MNIST-t10k. Generation is deterministic from <see cref="M2NistLtSettings.Seed"/> via
/// <see cref="Pcg32.Derive"/> (one stream per canvas). It runs in C# because it is data
/// preparation, done once, not part of a training step. Taught in notebook 00.
/// </summary>
public static class M2NistLt
{
    /// <summary>MNIST digits are 28×28.</summary>
    public const int MnistSide = 28;

    /// <summary>Background plus the ten digits.</summary>
    public const int NumClasses = 11;

    /// <summary>Class names: index 0 is "background", index d + 1 is digit d.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = ["background", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    // Independent random streams of one seed (arguments of Pcg32.Derive).
    const ulong PoolStream = 0, TrainStream = 1, ValidationStream = 2, TestStream = 3;

    /// <summary>p(d) = ImbalanceRatio^(−d/9) / Σ_k ImbalanceRatio^(−k/9) for digits d = 0..9.</summary>
    public static double[] ClassProbabilities(double imbalanceRatio)
    {
        var weights = Enumerable.Range(0, 10).Select(d => Math.Pow(imbalanceRatio, -d / 9.0)).ToArray();
        double total = weights.Sum();
        return weights.Select(w => w / total).ToArray();
    }

    /// <summary>Draws a digit class from cumulative probabilities (running sums of <see cref="ClassProbabilities"/>).</summary>
    public static int DrawClass(ref Pcg32 rng, double[] cumulativeProbabilities)
    {
        double u = rng.NextDouble();
        for (int d = 0; d < cumulativeProbabilities.Length - 1; d++)
            if (u < cumulativeProbabilities[d]) return d;
        return cumulativeProbabilities.Length - 1; // also catches rounding: the last running sum may be 0.9999…
    }

    /// <summary>Splits MNIST-train's indices 0..count−1 into two disjoint pools by a seeded shuffle:
    /// the last <paramref name="validationPoolSize"/> shuffled indices are for validation canvases.</summary>
    public static (int[] TrainPool, int[] ValidationPool) SplitTrainPool(int count, int validationPoolSize, long seed)
    {
        if (validationPoolSize > count)
            throw new KitException($"M2NIST-LT settings: ValidationPoolSize {validationPoolSize} exceeds the {count} MNIST training digits");
        var order = Enumerable.Range(0, count).ToArray();
        var rng = Pcg32.Derive(seed, PoolStream, 0);
        for (int i = count - 1; i > 0; i--) // Fisher–Yates
        {
            int j = rng.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return (order[..(count - validationPoolSize)], order[(count - validationPoolSize)..]);
    }

    /// <summary>Canvases as flat byte arrays, with the MNIST indices each canvas was made from.</summary>
    public sealed record Canvases(int Count, int Side, byte[] Images, byte[] Masks, int[][] SourceIndices);

    /// <summary>Generates <paramref name="count"/> canvases from the digits of <paramref name="source"/>
    /// listed in <paramref name="pool"/>; canvas i uses only the random stream Derive(seed, stream, i).</summary>
    public static Canvases GenerateCanvases(MnistDigits source, int[] pool, int count, M2NistLtSettings settings, ulong stream)
    {
        settings.Validate();
        int side = settings.CanvasSize, digitSide = settings.DigitSide, pixels = side * side;
        var byClass = source.IndicesByClass(pool);
        for (int d = 0; d < 10; d++)
            if (byClass[d].Length == 0 && count > 0)
                throw new KitException($"M2NIST-LT: the digit pool has no digit {d} to draw from ({pool.Length} digits in the pool)");
        var cumulative = ClassProbabilities(settings.ImbalanceRatio);
        for (int d = 1; d < 10; d++) cumulative[d] += cumulative[d - 1];

        var images = new byte[(long)count * pixels];
        var masks = new byte[(long)count * pixels];
        var sources = new int[count][];
        var owner = new byte[pixels];
        var mnistImages = source.Images;
        if (mnistImages.Rows != MnistSide || mnistImages.Cols != MnistSide)
            throw new KitException($"M2NIST-LT expects 28×28 MNIST digits, got {mnistImages.Rows}×{mnistImages.Cols}");
        for (int i = 0; i < count; i++)
        {
            var rng = Pcg32.Derive(settings.Seed, stream, i);
            var canvas = images.AsSpan(i * pixels, pixels);
            Array.Clear(owner);
            int digits = settings.MinDigitsPerCanvas + rng.NextInt(settings.MaxDigitsPerCanvas - settings.MinDigitsPerCanvas + 1);
            sources[i] = new int[digits];
            for (int k = 0; k < digits; k++)
            {
                int digitClass = DrawClass(ref rng, cumulative);
                int mnistIndex = byClass[digitClass][rng.NextInt(byClass[digitClass].Length)];
                int top = rng.NextInt(side - digitSide + 1), left = rng.NextInt(side - digitSide + 1);
                ReadOnlySpan<byte> digit = digitSide == MnistSide
                    ? mnistImages.Image(mnistIndex)
                    : CanvasRaster.ResizeBilinear(mnistImages.Image(mnistIndex), MnistSide, digitSide);
                CanvasRaster.PasteDigit(canvas, owner, side, digit, digitSide, top, left, (byte)digitClass);
                sources[i][k] = mnistIndex;
            }
            CanvasRaster.LabelPixels(canvas, owner, masks.AsSpan(i * pixels, pixels), settings.ForegroundThreshold, settings.BackgroundThreshold);
        }
        return new Canvases(count, side, images, masks, sources);
    }

    /// <summary>Generates the whole dataset from MNIST's train and test digits.</summary>
    public static M2NistLtDataset Generate(MnistDigits mnistTrain, MnistDigits mnistTest, M2NistLtSettings settings)
    {
        settings.Validate();
        var (trainPool, validationPool) = SplitTrainPool(mnistTrain.Count, settings.ValidationPoolSize, settings.Seed);
        var train = GenerateCanvases(mnistTrain, trainPool, settings.TrainCount, settings, TrainStream);
        var validation = GenerateCanvases(mnistTrain, validationPool, settings.ValidationCount, settings, ValidationStream);
        var test = GenerateCanvases(mnistTest, Enumerable.Range(0, mnistTest.Count).ToArray(), settings.TestCount, settings, TestStream);

        using var trainImages = ToImageTensor(train);
        var normalization = settings.TrainCount > 0 ? Normalization.Measure(trainImages) : Normalization.Identity(1);
        return new M2NistLtDataset(settings, ToSplit("train", train, normalization), ToSplit("validation", validation, normalization),
            ToSplit("test", test, normalization), train.SourceIndices, validation.SourceIndices, test.SourceIndices);
    }

    /// <summary>Reads MNIST from <paramref name="mnistDirectory"/> (see <see cref="MnistFiles.Locate"/>) and generates the dataset.</summary>
    public static M2NistLtDataset Load(string mnistDirectory, M2NistLtSettings settings)
    {
        var (mnistTrain, mnistTest) = MnistFiles.Locate(mnistDirectory).Load();
        return Generate(mnistTrain, mnistTest, settings);
    }

    static Tensor ToImageTensor(Canvases c) => tensor(c.Images, [c.Count, 1, c.Side, c.Side], ScalarType.Byte);

    static SegmentationSplit ToSplit(string name, Canvases c, Normalization normalization) =>
        new(name, ToImageTensor(c), tensor(c.Masks, [c.Count, c.Side, c.Side], ScalarType.Byte), ClassNames, normalization);
}
