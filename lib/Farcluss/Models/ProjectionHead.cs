using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Farcluss.Models;

/// <summary>
/// Maps decoder features to the unit-length embeddings z that the prototype contrastive loss
/// compares: 1×1 conv (F → F), ReLU, 1×1 conv (F → D), then L2 normalisation over channels,
/// at the features' resolution. [B, F, h, w] → [B, D, h, w] with ‖z[b, :, i, j]‖ = 1.
/// Taught in notebook 06 (prototype contrast).
/// </summary>
public sealed class ProjectionHead : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d hidden;
    private readonly Conv2d output;

    /// <summary>D, the channels of the embeddings.</summary>
    public int EmbeddingDim { get; }

    /// <param name="featureChannels">F, the model's <see cref="SegmentationModel.FeatureChannels"/>.</param>
    /// <param name="embeddingDim">D (<see cref="Config.MethodSettings.ProjectionDim"/>, 64 by default).</param>
    /// <param name="generator">Source of the initial weights; null = torch's global generator.</param>
    public ProjectionHead(int featureChannels, int embeddingDim, Generator? generator = null)
        : base(nameof(ProjectionHead))
    {
        if (featureChannels < 1 || embeddingDim < 1)
            throw new KitException($"projection head: channels must be positive, got F={featureChannels}, D={embeddingDim}.");
        EmbeddingDim = embeddingDim;
        hidden = nn.Conv2d(featureChannels, featureChannels, 1);
        output = nn.Conv2d(featureChannels, embeddingDim, 1);
        RegisterComponents();
        WeightInit.FanInUniform(this, generator);
    }

    public override Tensor forward(Tensor features)
    {
        using var scope = torch.NewDisposeScope();
        var embeddings = output.call(hidden.call(features).relu_());
        return nn.functional.normalize(embeddings, p: 2, dim: 1).MoveToOuterDisposeScope();
    }
}
