using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Training;

/// <summary>
/// Milliseconds spent in each part of the training step (teacher, student, each loss, backward,
/// optimizer), for `farcluss bench` and lesson 08. A part is timed by a scope:
/// <c>using (timer.Measure("teacher")) { … }</c>. Off (the default), <see cref="Measure"/> hands back
/// one shared do-nothing scope, so an unprofiled step pays nothing for its scopes.
/// On a GPU the end of a scope waits for the device, so that a part is charged its own kernels.
/// </summary>
public sealed class StepTimer
{
    readonly Dictionary<string, double> _totals = new();
    readonly Scope _scope;
    readonly Device _device;

    public StepTimer(Device device)
    {
        _device = device;
        _scope = new Scope(this);
    }

    /// <summary>Whether parts are timed (it adds a little overhead: a clock read per part, a device sync on GPUs).</summary>
    public bool Enabled { get; set; }

    /// <summary>Starts timing <paramref name="part"/>; disposing the result stops it. Scopes do not nest.</summary>
    public IDisposable Measure(string part)
    {
        if (!Enabled) return NoScope.Instance;
        _scope.Start(part);
        return _scope;
    }

    /// <summary>Milliseconds per part since the last <see cref="Clear"/>.</summary>
    public IReadOnlyDictionary<string, double> Totals => _totals;

    public void Clear() => _totals.Clear();

    void Stop(string part, long startTimestamp)
    {
        if (_device.type == DeviceType.CUDA) torch.cuda.synchronize();
        _totals[part] = _totals.GetValueOrDefault(part) + Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
    }

    /// <summary>The one scope object of an enabled timer, reused by every part (no allocation per part).</summary>
    sealed class Scope(StepTimer timer) : IDisposable
    {
        string _part = "";
        long _start;

        public void Start(string part) => (_part, _start) = (part, Stopwatch.GetTimestamp());

        public void Dispose() => timer.Stop(_part, _start);
    }

    sealed class NoScope : IDisposable
    {
        public static readonly NoScope Instance = new();
        public void Dispose() { }
    }
}
