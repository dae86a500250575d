using Farcluss.Models;

namespace Farcluss.Tests.Models;

public class ModelFactoryTests : ModelTestBase
{
    [Fact]
    public void CompactIsTheDefaultAndTakesWidthAndDecoderStride()
    {
        using var model = ModelFactory.Create(new ModelSettings { NumClasses = 11, InChannels = 1, Width = 8, DecoderOutputStride = 2 });
        var compact = Assert.IsType<CompactDeepLabV3Plus>(model);
        Assert.Equal(new CompactModelSettings { NumClasses = 11, InChannels = 1, Width = 8, DecoderOutputStride = 2 }, compact.Settings);
        Assert.Equal("compact-w8-os2", model.Architecture);
        Assert.Equal(16, model.FeatureChannels); // 2w
        Assert.Equal(11, model.NumClasses);
    }

    [Fact]
    public void UnsetFieldsTakeTheKindsDefaults()
    {
        var compact = ModelFactory.ToCompact(new ModelSettings { NumClasses = 3 });
        Assert.Equal(40, compact.Width);
        Assert.Equal(4, compact.DecoderOutputStride);
        var resnet = ModelFactory.ToResNet(new ModelSettings { Kind = ModelSettings.ResNet101, NumClasses = 21 });
        Assert.Equal(new ResNetModelSettings { NumClasses = 21, Depth = 101, OutputStride = 16, InChannels = 3 }, resnet);
    }

    [Fact]
    public void ResNetKindsBuildTheResNetModel()
    {
        using var model = ModelFactory.Create(new ModelSettings { Kind = ModelSettings.ResNet50, NumClasses = 21, OutputStride = 8 });
        Assert.IsType<ResNetDeepLabV3Plus>(model);
        Assert.Equal("resnet50-os8", model.Architecture);
    }

    public static TheoryData<ModelSettings, string> BadCombinations => new()
    {
        { new ModelSettings { Kind = "resnet18", NumClasses = 3 }, "Kind" },
        { new ModelSettings { Kind = "Compact", NumClasses = 3 }, "Kind" },
        { new ModelSettings { NumClasses = 3, OutputStride = 16 }, "OutputStride" },
        { new ModelSettings { NumClasses = 3, DecoderOutputStride = 8 }, "DecoderOutputStride" },
        { new ModelSettings { NumClasses = 3, Width = 0 }, "Width" },
        { new ModelSettings { Kind = ModelSettings.ResNet50, NumClasses = 3, Width = 40 }, "Width" },
        { new ModelSettings { Kind = ModelSettings.ResNet50, NumClasses = 3, DecoderOutputStride = 2 }, "DecoderOutputStride" },
        { new ModelSettings { Kind = ModelSettings.ResNet101, NumClasses = 3, OutputStride = 32 }, "OutputStride" },
        { new ModelSettings(), "NumClasses" }, // 0 = not filled in from the data
    };

    [Theory]
    [MemberData(nameof(BadCombinations))]
    public void BadCombinationsAreKitErrorsNamingTheField(ModelSettings settings, string field)
    {
        var error = Assert.Throws<KitException>(() => ModelFactory.Create(settings));
        Assert.Contains(field, error.Message);
    }
}
