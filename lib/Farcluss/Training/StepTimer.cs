using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Training;

/// <summary>
/// Milliseconds spent in each part of the training step (teacher, student, each loss, backward,
/// optimizer), for `farcluss bench` and lesson 08. A part is timed by wrapping the expression that computes
/// it, which keeps its value: <c>var teacherProbs = timer.Time("teacher", () => …)</c>. Off (the default),
/// <see cref="Time{T}"/> only runs the work, so an unprofiled step pays nothing but the call.
/// On a GPU the end of a part waits for the device, so that a part is charged its own kernels. The light
/// element-wise work between the timed calls (q, w, ρ, the confident set, the state updates) is in no part, only
/// in the step's total.
/// </summary>
public sealed class StepTimer(Device device)
{
    readonly Dictionary<string, double> _totals = new();

    /// <summary>Whether parts are timed (it adds a little overhead: a clock read per part, a device sync on GPUs).</summary>
    public bool Enabled { get; set; }

    /// <summary>Runs <paramref name="work"/>, charging its time to <paramref name="part"/>; returns its value. Parts do not nest.</summary>
    public T Time<T>(string part, Func<T> work)
    {
        if (!Enabled) return work();
        long start = Stopwatch.GetTimestamp();
        var value = work();
        Stop(part, start);
        return value;
    }

    /// <summary><see cref="Time{T}"/> for work that returns nothing (backward, the optimizer step).</summary>
    public void Time(string part, Action work) => Time(part, () => { work(); return true; });

    /// <summary>Milliseconds per part since the last <see cref="Clear"/>.</summary>
    public IReadOnlyDictionary<string, double> Totals => _totals;

    public void Clear() => _totals.Clear();

    void Stop(string part, long startTimestamp)
    {
        if (device.type == DeviceType.CUDA) torch.cuda.synchronize();
        _totals[part] = _totals.GetValueOrDefault(part) + Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
    }
}
