using Farcluss.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Tests.Models;

public class WeightInitTests : ModelTestBase
{
    sealed class TwoConvs : nn.Module<Tensor, Tensor>
    {
        public readonly TorchSharp.Modules.Conv2d Small = nn.Conv2d(2, 3, 3);
        public readonly TorchSharp.Modules.Conv2d Wide = nn.Conv2d(64, 64, 3, bias: false);
        public readonly TorchSharp.Modules.BatchNorm2d Bn = nn.BatchNorm2d(64);
        public TwoConvs() : base(nameof(TwoConvs)) => RegisterComponents();
        public override Tensor forward(Tensor x) => Bn.call(Wide.call(x));
    }

    [Fact]
    public void FanInUniformDrawsWithinOneOverRootFanIn()
    {
        using var model = new TwoConvs();
        using (no_grad()) { model.Bn.weight!.fill_(3); model.Bn.bias!.fill_(2); }
        WeightInit.FanInUniform(model, new Generator(1));

        // Small: fan_in = 2·3·3 = 18, bound 1/√18 = 0.23570; weights and biases inside it.
        double small = 1 / Math.Sqrt(18);
        Assert.True(model.Small.weight!.abs().max().item<float>() <= small);
        Assert.True(model.Small.bias!.abs().max().item<float>() <= small);
        // Wide: fan_in = 64·9 = 576, bound 1/24; a uniform in ±b has std b/√3 = 0.024056;
        // 36 864 draws put the sample std within 1% of it.
        var wide = model.Wide.weight!;
        Assert.True(wide.abs().max().item<float>() <= 1 / 24.0);
        Assert.Equal(0.024056, wide.std().item<float>(), 0.00024);
        Assert.Equal(0.0, wide.mean().item<float>(), 0.0005);
        // BatchNorm back to scale 1, shift 0.
        Assert.True(model.Bn.weight!.eq(1).all().item<bool>());
        Assert.True(model.Bn.bias!.eq(0).all().item<bool>());
    }

    [Fact]
    public void FanInUniformIsAFunctionOfTheGenerator()
    {
        using var a = new TwoConvs();
        using var b = new TwoConvs();
        WeightInit.FanInUniform(a, new Generator(7));
        torch.rand(100); // the global generator moves; the weights must not care
        WeightInit.FanInUniform(b, new Generator(7));
        Assert.True(a.Wide.weight!.eq(b.Wide.weight!).all().item<bool>());
        Assert.True(a.Small.bias!.eq(b.Small.bias!).all().item<bool>());
    }

    [Fact]
    public void CompactModelUsesFanInUniform()
    {
        // The classifier (1×1, 40 → 11 at width 20) is a fan-in-uniform draw too: bound 1/√40 = 0.1581,
        // and its std (≈ 0.0913) is far above He's 0.01-std classifier, so the scheme is recognisable.
        using var model = new CompactDeepLabV3Plus(new CompactModelSettings { NumClasses = 11, InChannels = 1, Width = 20 }, new Generator(3));
        var classifier = model.named_parameters().Single(p => p.name == "classifier.weight").parameter;
        Assert.Equal(new long[] { 11, 40, 1, 1 }, classifier.shape);
        Assert.True(classifier.abs().max().item<float>() <= 1 / Math.Sqrt(40));
        Assert.InRange(classifier.std().item<float>(), 0.08, 0.10);
    }
}
