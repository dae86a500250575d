using Farcluss.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Tests.Losses;

public class PrototypeContrastTests : TorchTestBase
{
    [Fact]
    public void ByHand_TwoPrototypesTwoAnchors()
    {
        using var memory = new PrototypeMemory(numClasses: 3, dim: 2, momentum: 0.99);
        using var scope = torch.NewDisposeScope();
        // μ_0 = (1, 0), μ_1 = (0, 1); class 2 has no prototype yet.
        memory.LoadState(torch.tensor(new[] { 1f, 0f, 0f, 1f, 0f, 0f }, new long[] { 3, 2 }), torch.tensor(new[] { true, true, false }));
        var anchors = torch.tensor(new[] { 1f, 0f, 0.6f, 0.8f, 0f, 1f }, new long[] { 3, 2 }).requires_grad_(true);
        var labels = torch.tensor(new long[] { 0, 1, 2 });
        var loss = PrototypeContrast.Loss(anchors, labels, memory, temperature: 0.1);
        // anchor 0 (class 0): logits (1/0.1, 0/0.1) = (10, 0) → −log(e^10 / (e^10 + e^0)) = log(1 + e^−10) = 0.0000454
        // anchor 1 (class 1): logits (6, 8) → −log(e^8 / (e^6 + e^8)) = log(1 + e^−2) = 0.126928
        // anchor 2 (class 2): no prototype → skipped; class 2 is in no denominator either.
        // mean over the 2 kept anchors = 0.063487
        AssertClose(0.063487, loss, 1e-6);

        loss.backward();
        Assert.Null(memory.Prototypes.grad);
        AssertClose(new[] { 0.0, 0 }, anchors.grad![2], 0); // the skipped anchor gets no gradient
    }

    [Fact]
    public void NoAnchor_IsAZeroInTheGraph()
    {
        using var memory = new PrototypeMemory(2, 4, momentum: 0.99);
        using var scope = torch.NewDisposeScope();
        var anchors = torch.zeros(new long[] { 0, 4 }).requires_grad_(true);
        var loss = PrototypeContrast.Loss(anchors, torch.zeros(0, ScalarType.Int64), memory, temperature: 0.1);
        AssertClose(0.0, loss, 0);
        Assert.True(loss.requires_grad);
        loss.backward();

        // Anchors present but no prototype at all: still 0 and a finite gradient.
        var lonely = torch.randn(3, 4).requires_grad_(true);
        var none = PrototypeContrast.Loss(lonely, torch.tensor(new long[] { 0, 1, 0 }), memory, temperature: 0.1);
        AssertClose(0.0, none, 0);
        none.backward();
        Assert.True(lonely.grad!.isfinite().all().item<bool>());
    }

    [Fact]
    public void SimilarityMatrix_IsNaNWhereAPrototypeIsMissing()
    {
        using var memory = new PrototypeMemory(numClasses: 3, dim: 2, momentum: 0.99);
        using var scope = torch.NewDisposeScope();
        memory.LoadState(torch.tensor(new[] { 1f, 0f, 0.6f, 0.8f, 0f, 0f }, new long[] { 3, 2 }), torch.tensor(new[] { true, true, false }));
        var similarity = PrototypeContrast.SimilarityMatrix(memory);
        var s = Values(similarity);
        Assert.Equal(1.0, s[0], 6); Assert.Equal(0.6, s[1], 6); Assert.Equal(0.6, s[3], 6); Assert.Equal(1.0, s[4], 6);
        Assert.True(double.IsNaN(s[2]) && double.IsNaN(s[5]) && double.IsNaN(s[6]) && double.IsNaN(s[8]));
    }
}
