using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Farcluss;

/// <summary>
/// Recognises an allocation the machine refused: .NET's <see cref="OutOfMemoryException"/>, or libtorch's
/// allocator failing (TorchSharp raises it as an <see cref="ExternalException"/> whose message is a C++
/// trace starting "DefaultCPUAllocator: can't allocate memory: you tried to allocate N bytes", or "CUDA out
/// of memory"), and says it in one line with the size asked for. The kit's budgets refuse what it can
/// foresee from settings and headers; this is for what it cannot (a memory limit of the machine or of
/// the user's shell, other processes).
/// </summary>
public static partial class MemoryFailure
{
    [GeneratedRegex(@"tried to allocate (\d+(?:\.\d+)?)\s*(bytes|[KMGT]i?B)", RegexOptions.IgnoreCase)]
    private static partial Regex AllocationSize();

    /// <summary>True when <paramref name="e"/> (or an exception inside it) is a refused allocation.</summary>
    public static bool Is(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is OutOfMemoryException or InsufficientMemoryException) return true;
            if (e is ExternalException && (e.Message.Contains("can't allocate memory", StringComparison.OrdinalIgnoreCase)
                                           || e.Message.Contains("not enough memory", StringComparison.OrdinalIgnoreCase)
                                           || e.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase)))
                return true;
        }
        return false;
    }

    /// <summary>One line: "out of memory (an allocation of 588000000 bytes, 560.8 MiB, was refused)", or
    /// without the size when the failure does not say it.</summary>
    public static string Describe(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            var match = AllocationSize().Match(inner.Message);
            if (!match.Success) continue;
            if (match.Groups[2].Value.Equals("bytes", StringComparison.OrdinalIgnoreCase)
                && long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long bytes))
                return $"out of memory (an allocation of {bytes} bytes, {bytes / (double)(1 << 20):F1} MiB, was refused)";
            return $"out of memory (an allocation of {match.Groups[1].Value} {match.Groups[2].Value} was refused)";
        }
        return "out of memory (an allocation was refused)";
    }
}
