using Farcluss.Losses;

namespace Farcluss.Tests.Losses;

public class RampTests
{
    [Fact]
    public void Sigmoid_ByHand()
    {
        Assert.Equal(0.006738, Ramp.Sigmoid(0, 100), 6);   // exp(−5)
        Assert.Equal(0.017422, Ramp.Sigmoid(10, 100), 6);  // exp(−5 · 0.9²) = exp(−4.05)
        Assert.Equal(0.286505, Ramp.Sigmoid(50, 100), 6);  // exp(−5 · 0.25) = exp(−1.25)
        Assert.Equal(1.0, Ramp.Sigmoid(100, 100));         // t ≥ T_r
        Assert.Equal(1.0, Ramp.Sigmoid(5000, 100));
        Assert.Equal(1.0, Ramp.Sigmoid(0, 0));             // T_r = 0: no ramp
    }
}
