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

    /// <summary>Bilinear resize of a square greyscale image, sampling at pixel centres
    /// (PyTorch's <c>interpolate(mode: bilinear, align_corners: false)</c> without antialiasing).</summary>
    public static byte[] ResizeBilinear(ReadOnlySpan<byte> source, int sourceSide, int targetSide)
    {
        var target = new byte[targetSide * targetSide];
        double scale = (double)sourceSide / targetSide;
        for (int y = 0; y < targetSide; y++)
        {
            var (y0, y1, wy) = SourceTaps(y, scale, sourceSide);
            for (int x = 0; x < targetSide; x++)
            {
                var (x0, x1, wx) = SourceTaps(x, scale, sourceSide);
                double top = source[y0 * sourceSide + x0] * (1 - wx) + source[y0 * sourceSide + x1] * wx;
                double bottom = source[y1 * sourceSide + x0] * (1 - wx) + source[y1 * sourceSide + x1] * wx;
                target[y * targetSide + x] = (byte)Math.Clamp(Math.Round(top * (1 - wy) + bottom * wy), 0, 255);
            }
        }
        return target;
    }

    static (int Low, int High, double Weight) SourceTaps(int targetIndex, double scale, int sourceSide)
    {
        double at = Math.Max((targetIndex + 0.5) * scale - 0.5, 0);
        int low = Math.Min((int)at, sourceSide - 1);
        return (low, Math.Min(low + 1, sourceSide - 1), at - low);
    }

    /// <summary>
    /// Pastes a square digit at (top, left) of a square canvas. Where digits overlap the brighter
    /// pixel wins, and <paramref name="owner"/> records which digit class it came from, so the label
    /// follows what is visible. On a tie the digit pasted first keeps the pixel.
    /// </summary>
    public static void PasteDigit(Span<byte> canvas, Span<byte> owner, int canvasSide,
                                  ReadOnlySpan<byte> digit, int digitSide, int top, int left, byte digitClass)
    {
        if (top < 0 || left < 0 || top + digitSide > canvasSide || left + digitSide > canvasSide)
            throw new ArgumentOutOfRangeException(nameof(top), "the digit must lie fully inside the canvas");
        for (int y = 0; y < digitSide; y++)
        {
            var digitRow = digit.Slice(y * digitSide, digitSide);
            int rowStart = (top + y) * canvasSide + left;
            for (int x = 0; x < digitSide; x++)
            {
                if (digitRow[x] <= canvas[rowStart + x]) continue;
                canvas[rowStart + x] = digitRow[x];
                owner[rowStart + x] = digitClass;
            }
        }
    }

    /// <summary>Per-pixel label: intensity ≥ foreground → owner digit + 1; &lt; background → 0;
    /// in between (a stroke's soft rim, neither clearly digit nor clearly background) → 255, ignored.</summary>
    public static void LabelPixels(ReadOnlySpan<byte> canvas, ReadOnlySpan<byte> owner, Span<byte> mask,
                                   int foregroundThreshold = 128, int backgroundThreshold = 32)
    {
        for (int i = 0; i < canvas.Length; i++)
            mask[i] = canvas[i] >= foregroundThreshold ? (byte)(owner[i] + 1)
                    : canvas[i] < backgroundThreshold ? (byte)0
                    : (byte)Labels.Ignore;
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
                    : ResizeBilinear(mnistImages.Image(mnistIndex), MnistSide, digitSide);
                PasteDigit(canvas, owner, side, digit, digitSide, top, left, (byte)digitClass);
                sources[i][k] = mnistIndex;
            }
            LabelPixels(canvas, owner, masks.AsSpan(i * pixels, pixels), settings.ForegroundThreshold, settings.BackgroundThreshold);
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
