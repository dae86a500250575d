using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Farcluss.Config;
using Farcluss.Tests.Data;

namespace Farcluss.Tests.Config;

/// <summary>
/// One name per setting: every property of <see cref="MethodSettings"/> is a row of docs/METHOD.md's settings table
/// under its config key (the JSON name config.json writes) and its C# name, and every row is a property.
/// </summary>
public class SettingNamesTests
{
    static readonly string Method = File.ReadAllText(Path.Combine(MnistTestData.RepoRoot(), "docs", "METHOD.md"));

    static List<(string Key, string Property)> TableRows() =>
        Regex.Matches(Method, @"^\|[^|]*\| `method\.([a-z_]+)` \| `([A-Za-z]+)` \|", RegexOptions.Multiline)
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();

    [Fact]
    public void Every_method_setting_has_one_name_in_JSON_CSharp_and_METHOD_md()
    {
        var rows = TableRows();
        var json = JsonNode.Parse(ConfigFile.ToJson(new TrainingConfig()))!["method"]!.AsObject();
        var properties = typeof(MethodSettings).GetProperties().Where(p => p.CanWrite).Select(p => p.Name).ToList();
        Assert.Equal(properties.Order(), rows.Select(r => r.Property).Order());
        Assert.Equal(json.Select(kv => kv.Key).Order(), rows.Select(r => r.Key).Order());
        foreach (var (key, property) in rows)
            Assert.Equal(key, System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(property));
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    public void A_momentum_the_config_refuses_is_refused_by_the_parts_too(double momentum)
    {
        Assert.Throws<KitException>(() => new MethodSettings { RebalanceMomentum = momentum }.Validate(11));
        Assert.Throws<KitException>(() => new MethodSettings { PrototypeMomentum = momentum }.Validate(11));
        Assert.Throws<KitException>(() => new MethodSettings { EmaDecay = momentum }.Validate(11));
        Assert.Throws<KitException>(() => new Farcluss.Losses.ClassRebalancer(3, new MethodSettings { RebalanceMomentum = momentum }));
        Assert.Throws<KitException>(() => new Farcluss.Losses.PrototypeMemory(3, 4, momentum));
    }
}
