using Farcluss.Config;

namespace Farcluss.Tests.Config;

public class ConfigFileTests
{
    [Fact]
    public void A_file_overrides_only_the_keys_it_names()
    {
        var config = ConfigFile.Parse("""{ "steps": 123, "method": { "top_k": 2 } }""", Presets.Workshop, "test.json");
        Assert.Equal(123, config.Steps);
        Assert.Equal(2, config.Method.TopK);
        Assert.Equal(Presets.Workshop.Method.EntropyGamma, config.Method.EntropyGamma);
        Assert.Equal(Presets.Workshop.LabeledBatch, config.LabeledBatch);
    }

    [Theory]
    [InlineData("""{ "stepz": 10 }""", "stepz")]
    [InlineData("""{ "method": { "topk": 2 } }""", "topk")]
    public void An_unknown_key_is_an_error_naming_the_file_and_the_key(string json, string key)
    {
        var e = Assert.Throws<KitException>(() => ConfigFile.Parse(json, Presets.Workshop, "my.json"));
        Assert.Contains("my.json", e.Message);
        Assert.Contains(key, e.Message);
    }

    [Fact]
    public void A_config_round_trips_through_json()
    {
        var config = Presets.Workshop with { Method = Variants.Hard, Seed = 7 };
        var again = ConfigFile.Parse(ConfigFile.ToJson(config), new TrainingConfig(), "x");
        Assert.Equal(ConfigFile.ToJson(config), ConfigFile.ToJson(again));
        Assert.Equal(PixelWeighting.Threshold, again.Method.Weighting);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(12)]
    public void Impossible_top_k_is_rejected(int k)
    {
        var e = Assert.Throws<KitException>(() => (Presets.Workshop with { Method = new MethodSettings { TopK = k } }).Validate(11));
        Assert.Contains("top_k", e.Message);
    }

    [Fact]
    public void Other_impossible_values_are_rejected()
    {
        Assert.Throws<KitException>(() => new MethodSettings { RebalanceBeta = -0.1 }.Validate(11));
        Assert.Throws<KitException>(() => new MethodSettings { ContrastTemperature = 0 }.Validate(11));
        Assert.Throws<KitException>(() => new MethodSettings { ConfidenceThreshold = 1.5 }.Validate(11));
        Assert.Throws<KitException>(() => new MethodSettings { PrototypeConfidence = -0.5 }.Validate(11));
    }
}
