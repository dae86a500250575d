using Farcluss.Config;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Farcluss.Losses;

/// <summary>
/// The class-prototype memory of the contrastive term (METHOD.md §4): one unit vector μ_c per
/// class, updated after each batch as μ_c ← normalise(m_p μ_c + (1 − m_p) μ̂_c) for the classes
/// present, μ̂_c = normalise(mean of the batch's confident embeddings of class c).
/// [kit] METHOD.md says a class never seen has no prototype yet; when a class is seen for the
/// first time its prototype is its batch prototype μ̂_c itself (blending with a zero vector would
/// give the same direction after normalisation, but stating it keeps the rule explicit).
/// Memory: C·D floats, no bank of pixels. Taught in notebook 06 (prototype-contrast).
/// </summary>
public sealed class PrototypeMemory : IDisposable
{
    Tensor _prototypes;
    Tensor _initialised;

    /// <summary>C.</summary>
    public int NumClasses { get; }
    /// <summary>D, the embedding size.</summary>
    public int Dim { get; }
    /// <summary>m_p.</summary>
    public double Momentum { get; }

    public PrototypeMemory(int numClasses, int dim, double momentum, Device? device = null)
    {
        if (numClasses < 1) throw new KitException($"prototype memory: number of classes must be ≥ 1, got {numClasses}");
        if (dim < 1) throw new KitException($"prototype memory: embedding size must be ≥ 1, got {dim}");
        if (!SettingRules.IsMomentum(momentum)) throw new KitException($"prototype memory: momentum must be in {SettingRules.MomentumRange}, got {momentum}");
        NumClasses = numClasses;
        Dim = dim;
        Momentum = momentum;
        // The state outlives any step's dispose scope, so it must not belong to one.
        _prototypes = torch.zeros(new long[] { numClasses, dim }, ScalarType.Float32, device).DetachFromDisposeScope();
        _initialised = torch.zeros(numClasses, ScalarType.Bool, device).DetachFromDisposeScope();
    }

    /// <summary>μ, [C, D] float32; rows of classes not yet seen are zero. Live state: do not dispose.
    /// Setting copies the values in (checkpoint resume).</summary>
    public Tensor Prototypes
    {
        get => _prototypes;
        set
        {
            if (value.dim() != 2 || value.shape[0] != NumClasses || value.shape[1] != Dim)
                throw new ArgumentException($"prototypes must be [{NumClasses}, {Dim}], got [{string.Join(", ", value.shape)}]", nameof(value));
            using var noGrad = torch.no_grad();
            _prototypes.copy_(value);
        }
    }

    /// <summary>Which classes have a prototype, [C] bool. Live state: do not dispose. Setting copies.</summary>
    public Tensor Initialised
    {
        get => _initialised;
        set
        {
            if (value.dim() != 1 || value.shape[0] != NumClasses)
                throw new ArgumentException($"initialised must be [{NumClasses}], got [{string.Join(", ", value.shape)}]", nameof(value));
            using var noGrad = torch.no_grad();
            _initialised.copy_(value.to(ScalarType.Bool));
        }
    }

    /// <summary>The state carried from step to step, by name (rollback and checkpoint iterate it).</summary>
    public static IReadOnlyList<StateTensor> StateOf(PrototypeMemory? m) =>
        [new("prototype_memory.prototypes", m?._prototypes), new("prototype_memory.initialised", m?._initialised)];

    /// <summary>Sets both state tensors at once (a memory built by hand; a checkpoint restores through <see cref="StateOf"/>).</summary>
    public void LoadState(Tensor prototypes, Tensor initialised)
    {
        Prototypes = prototypes;
        Initialised = initialised;
    }

    /// <summary>
    /// Folds one batch into the memory. Vectorised: per-class sums are a one-hot matrix product,
    /// so there is no loop over classes or pixels and no read-back to the CPU. Labels outside
    /// [0, C) match no class and are ignored.
    /// </summary>
    /// <param name="z">[N, D] embeddings of the confident pixels (detached here).</param>
    /// <param name="labels">[N] their labels (int64).</param>
    public void Update(Tensor z, Tensor labels)
    {
        Shapes.RequireRank(z, 2, nameof(z), "[N, D]");
        Shapes.RequireRank(labels, 1, nameof(labels), "[N]");
        if (z.shape[1] != Dim) throw new ArgumentException($"z has {z.shape[1]} channels, the memory {Dim}", nameof(z));
        if (z.shape[0] != labels.shape[0]) throw new ArgumentException($"z has {z.shape[0]} rows, labels {labels.shape[0]}", nameof(labels));

        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        FollowDevice(z.device);
        var embeddings = z.detach().to(ScalarType.Float32);
        var classIds = torch.arange(NumClasses, ScalarType.Int64, z.device);
        var oneHot = labels.to(ScalarType.Int64).unsqueeze(1).eq(classIds.unsqueeze(0)).to(ScalarType.Float32); // [N, C]
        var classSums = oneHot.t().matmul(embeddings); // [C, D]
        var classCounts = oneHot.sum(dim: 0);               // [C]
        var present = classCounts.gt(0);
        var batchPrototypes = F.normalize(classSums / classCounts.clamp_min(1).unsqueeze(1), p: 2, dim: 1); // μ̂
        var blended = F.normalize(_prototypes * Momentum + batchPrototypes * (1.0 - Momentum), p: 2, dim: 1);
        var updated = torch.where(_initialised.unsqueeze(1), blended, batchPrototypes); // first sight: μ̂ itself
        _prototypes.copy_(torch.where(present.unsqueeze(1), updated, _prototypes));
        _initialised.logical_or_(present);
    }

    /// <summary>Moves the state once to the device the data lives on, so Update stays device-side.</summary>
    void FollowDevice(Device device)
    {
        if (Shapes.IsOn(_prototypes, device)) return;
        var prototypes = _prototypes.to(device).DetachFromDisposeScope();
        var initialised = _initialised.to(device).DetachFromDisposeScope();
        _prototypes.Dispose();
        _initialised.Dispose();
        _prototypes = prototypes;
        _initialised = initialised;
    }

    public void Dispose()
    {
        _prototypes.Dispose();
        _initialised.Dispose();
    }
}
