using Farcluss.Config;

namespace Farcluss.Tests.Config;

/// <summary>The workshop preset: the regime of results/search rows r10–r11, at width 16 since 2026-12 (docs/numerics.md; r22).</summary>
public class PresetTests
{
    [Fact]
    public void Workshop_is_64px_canvases_with_1_in_32_labeled_and_3600_steps_of_which_1200_supervised()
    {
        var w = Presets.Workshop;
        var m2 = w.Data.M2Nist;
        Assert.Equal(64, m2.CanvasSize);
        Assert.Equal(1.0, m2.DigitScale);
        Assert.Equal(125, (int)Math.Round(m2.LabeledFraction * m2.TrainCount)); // 4000 / 32
        Assert.Equal(16, w.Model.Width); // every channel count a multiple of 16 (docs/numerics.md)
        Assert.Equal(3600, w.Steps);
        Assert.Equal(1200, (long)Math.Round(w.Method.WarmupFraction * w.Steps));
        Assert.Equal(0.5, w.Method.UnsupervisedWeight); // λ_u halved (search rows r17, r34)
        Assert.Equal((8, 8), (w.LabeledBatch, w.UnlabeledBatch));
        Assert.Equal(600, w.EvalEvery); // six points of the validation curve in metrics.jsonl
    }

    [Fact]
    public void Smoke_keeps_its_own_small_data_and_no_warm_up_or_curve()
    {
        var s = Presets.Smoke;
        Assert.Equal(20, s.Steps);
        Assert.Equal(0.0, s.Method.WarmupFraction);
        Assert.Equal(Presets.Workshop.Method with { WarmupFraction = 0 }, s.Method); // every other method setting follows the workshop
        Assert.Equal(0, s.EvalEvery);
        Assert.Equal(256, s.Data.M2Nist.TrainCount);
    }
}
