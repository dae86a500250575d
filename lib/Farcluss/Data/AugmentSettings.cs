namespace Farcluss.Data;

/// <summary>
/// The strength of the weak and strong views (METHOD.md, "Weak view A_w" and "Strong view A_s").
/// Defaults are for the kit's 64×64 digit canvases; <see cref="Voc"/> is UniMatch's setting for
/// natural images. Every number is a named setting so a notebook can ablate it. Taught in notebook 02
/// (views), with <see cref="StrongStrength"/> explored in notebook 07.
/// </summary>
public sealed record AugmentSettings
{
    // --- weak view: geometry, shared exactly by image and mask ---

    /// <summary>Smallest zoom factor (below 1 shrinks the content and pads the border with ignore). Default 0.75.</summary>
    public double ScaleMin { get; init; } = 0.75;

    /// <summary>Largest zoom factor (above 1 enlarges the content and crops). Default 1.25: digits must stay recognisable
    /// on a 64-pixel canvas (UniMatch uses [0.5, 2.0] on 321–513 pixel crops of natural images).</summary>
    public double ScaleMax { get; init; } = 1.25;

    /// <summary>Mirror left–right with probability 1/2. Default false: a mirrored digit is not that digit.</summary>
    public bool FlipHorizontal { get; init; } = false;

    // --- strong view: photometric, as UniMatch's (ColorJitter(0.5, 0.5, 0.5, 0.25) p=0.8, grayscale p=0.2, blur p=0.5) ---

    /// <summary>Multiplies every jitter amplitude and the blur's sigma: 0 turns them off, 1 is UniMatch's strength. Default 1.</summary>
    public double StrongStrength { get; init; } = 1.0;

    /// <summary>Probability that a sample gets brightness/contrast/saturation jitter. Default 0.8.</summary>
    public double JitterProbability { get; init; } = 0.8;

    /// <summary>Brightness factor drawn from [1 − a, 1 + a], a = Brightness × StrongStrength. Default 0.5.</summary>
    public double Brightness { get; init; } = 0.5;

    /// <summary>Contrast factor drawn from [1 − a, 1 + a] around each image's mean grey. Default 0.5.</summary>
    public double Contrast { get; init; } = 0.5;

    /// <summary>Saturation factor drawn from [1 − a, 1 + a]; no effect on one-channel images. Default 0.5.
    /// (UniMatch's hue jitter, 0.25, is left out: it needs an HSV round trip and means nothing for digits.)</summary>
    public double Saturation { get; init; } = 0.5;

    /// <summary>Probability that a three-channel sample becomes grey (a no-op for one channel). Default 0.2.</summary>
    public double GrayscaleProbability { get; init; } = 0.2;

    /// <summary>Probability of a Gaussian blur. Default 0.5.</summary>
    public double BlurProbability { get; init; } = 0.5;

    /// <summary>Blur sigma is drawn from [BlurSigmaMin, BlurSigmaMax] pixels (× StrongStrength). Default 0.1.</summary>
    public double BlurSigmaMin { get; init; } = 0.1;

    /// <summary>See <see cref="BlurSigmaMin"/>. Default 2.0.</summary>
    public double BlurSigmaMax { get; init; } = 2.0;

    /// <summary>Images smaller than this (the shorter side, in pixels) get a proportionally smaller sigma, so a
    /// 64-pixel canvas is blurred with sigma ≤ 1 rather than smeared. Default 128.</summary>
    public int BlurReferenceSize { get; init; } = 128;

    // --- CutMix between the unlabeled images of a batch ---

    /// <summary>Probability that a sample gets a CutMix box. Default 0.5 (UniMatch).</summary>
    public double CutMixProbability { get; init; } = 0.5;

    /// <summary>Box area as a share of the image, drawn from [CutMixAreaMin, CutMixAreaMax]. Default 0.02.</summary>
    public double CutMixAreaMin { get; init; } = 0.02;

    /// <summary>See <see cref="CutMixAreaMin"/>. Default 0.4.</summary>
    public double CutMixAreaMax { get; init; } = 0.4;

    /// <summary>Box aspect ratio (height / width) drawn from [CutMixAspectMin, 1 / CutMixAspectMin]. Default 0.3.</summary>
    public double CutMixAspectMin { get; init; } = 0.3;

    /// <summary>Throws a <see cref="KitException"/> naming the first setting that cannot work (a zoom of 0,
    /// a probability outside [0, 1], a CutMix box larger than the image, ...).</summary>
    public void Validate()
    {
        static void Require(bool ok, string problem) { if (!ok) throw new KitException($"augment.{problem}"); }
        static bool Probability(double p) => p is >= 0 and <= 1;
        Require(ScaleMin > 0 && double.IsFinite(ScaleMax) && ScaleMin <= ScaleMax,
            $"scale_min and scale_max must satisfy 0 < scale_min ≤ scale_max, got {ScaleMin} and {ScaleMax}");
        Require(StrongStrength is >= 0 and <= 10, $"strong_strength must be in [0, 10], got {StrongStrength}");
        Require(ScaleMax <= 16, $"scale_max must be at most 16, got {ScaleMax}");
        Require(Probability(JitterProbability), $"jitter_probability must be in [0, 1], got {JitterProbability}");
        Require(Probability(GrayscaleProbability), $"grayscale_probability must be in [0, 1], got {GrayscaleProbability}");
        Require(Probability(BlurProbability), $"blur_probability must be in [0, 1], got {BlurProbability}");
        Require(Probability(CutMixProbability), $"cut_mix_probability must be in [0, 1], got {CutMixProbability}");
        Require(Brightness >= 0 && Contrast >= 0 && Saturation >= 0 && double.IsFinite(Brightness + Contrast + Saturation),
            $"brightness, contrast and saturation must be ≥ 0, got {Brightness}, {Contrast}, {Saturation}");
        Require(BlurSigmaMin >= 0 && BlurSigmaMin <= BlurSigmaMax && double.IsFinite(BlurSigmaMax),
            $"blur sigmas must satisfy 0 ≤ blur_sigma_min ≤ blur_sigma_max, got {BlurSigmaMin} and {BlurSigmaMax}");
        Require(BlurReferenceSize >= 1, $"blur_reference_size must be ≥ 1, got {BlurReferenceSize}");
        // The blur kernel has 6σ + 1 taps: a σ of thousands would allocate kernels larger than any image.
        Require(BlurSigmaMax <= 50, $"blur_sigma_max must be at most 50, got {BlurSigmaMax}");
        Require(CutMixAreaMin >= 0 && CutMixAreaMin <= CutMixAreaMax && CutMixAreaMax <= 1,
            $"CutMix box areas must satisfy 0 ≤ cut_mix_area_min ≤ cut_mix_area_max ≤ 1 (a box cannot be larger than the image), got {CutMixAreaMin} and {CutMixAreaMax}");
        Require(CutMixAspectMin is > 0 and <= 1, $"cut_mix_aspect_min must be in (0, 1], got {CutMixAspectMin}");
    }

    /// <summary>The defaults, for 64×64 digit canvases.</summary>
    public static AugmentSettings Digits { get; } = new();

    /// <summary>UniMatch's setting for VOC-like natural images: zoom [0.5, 2.0] and horizontal flips.</summary>
    public static AugmentSettings Voc { get; } = new() { ScaleMin = 0.5, ScaleMax = 2.0, FlipHorizontal = true };

    /// <summary>No augmentation at all: both views return their input (useful as a baseline and in tests).</summary>
    public static AugmentSettings None { get; } = new()
    {
        ScaleMin = 1, ScaleMax = 1, FlipHorizontal = false, JitterProbability = 0, GrayscaleProbability = 0,
        BlurProbability = 0, CutMixProbability = 0,
    };
}
