using System.Reflection;
using System.Text.RegularExpressions;

namespace Farcluss.Charts;

/// <summary>
/// How a lesson degrades when a cell that trains fails (training stopped on non-finite losses, the CPU numerics check
/// found no sound path: docs/numerics.md). The cell that trains wraps its work in <see cref="Lesson.Try{T}"/>: on
/// failure it closes its progress line, shows one readable line and returns null, so the cell ends without a stack
/// trace. Every later cell that uses the result starts with <see cref="Lesson.Needs"/>: when the result is missing it
/// shows one line saying what it needs and why it is missing, instead of throwing NullReferenceException.
/// Used by lessons 01–07 and 09; tests/shell/lesson-failure.sh runs a lesson with a training failure injected.
/// </summary>
public static partial class Lesson
{
    static readonly Dictionary<string, string> StoppedBecause = new();
    static readonly Regex ProgressStep = new(@": step (\d+)/(\d+) \[");

    /// <summary>The progress line shown last (<see cref="ShowProgress"/>), closed by <see cref="Try{T}"/> when its run fails.</summary>
    internal static ProgressLine? LastProgress { get; set; }

    /// <summary>
    /// Runs <paramref name="work"/> (a cell's training) and returns its result; if it throws, shows one line,
    /// "<paramref name="what"/> did not finish: reason. …", and returns null. <paramref name="what"/> names the result
    /// as later cells ask for it (e.g. "the teacher of “A teacher to look at”").
    /// </summary>
    public static T? Try<T>(string what, Func<T> work) where T : class
    {
        try
        {
            var result = work();
            StoppedBecause.Remove(what);
            return result;
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            var reason = Reason(error);
            StoppedBecause[what] = reason;
            CloseProgressLine();
            Show($"{Capitalise(what)} did not finish: {reason}. The cells below that need it say so instead of running; " +
                 "fix the cause (./farcluss doctor checks the CPU's numerics, docs/numerics.md), restart the kernel and run the lesson from the top.");
            return null;
        }
    }

    /// <summary>
    /// True when every one of <paramref name="values"/> is there (the results of earlier cells); otherwise shows
    /// "This cell needs <paramref name="what"/> …" with the reason it is missing, and returns false.
    /// </summary>
    public static bool Needs(string what, params object?[] values)
    {
        if (values.All(v => v is not null)) return true;
        Show(StoppedBecause.TryGetValue(what, out var reason)
            ? $"This cell needs {what}, which did not finish ({Shorten(reason, 160)}); run this cell again after that cell has run to its end."
            : $"This cell needs {what}: run the cells above it first (from the top), then this one.");
        return false;
    }

    /// <summary>One line: a kit error's own message; another exception's type and message.</summary>
    public static string Reason(Exception error)
    {
        while (error is TargetInvocationException or AggregateException && error.InnerException is not null) error = error.InnerException;
        var message = error.Message.ReplaceLineEndings(" ").Trim().TrimEnd('.');
        return error is KitException ? message : $"{error.GetType().Name}: {message}";
    }

    static void CloseProgressLine()
    {
        var line = LastProgress;
        if (line is null) return;
        var match = ProgressStep.Match(line.Text);
        if (match.Success && match.Groups[1].Value != match.Groups[2].Value)
            line.Update($"{line.Label}: stopped at step {match.Groups[1].Value} of {match.Groups[2].Value}");
    }

    static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
