using System.Diagnostics;
using Farcluss.Config;
using Farcluss.Runtime;
using Farcluss.Training;

namespace Farcluss.Charts;

/// <summary>A notebook progress line: one output that every report replaces (<see cref="Lesson.ShowProgress"/>).</summary>
public sealed class ProgressLine
{
    readonly NotebookDisplay _display;

    internal ProgressLine(string label, long totalSteps, int everyMs)
    {
        Label = label;
        _display = NotebookDisplay.Show(Lesson.Start(label, totalSteps));
        Report = Lesson.Progress(label, _display.Update, everyMs);
        Lesson.LastProgress = this;
    }

    public string Label { get; }

    /// <summary>For <see cref="Trainer.OnProgress"/>: updates the line at most every few hundred milliseconds, always at a phase change and the last step.</summary>
    public Action<TrainingProgress> Report { get; }

    /// <summary>The text shown now.</summary>
    public string Text => _display.Text;

    /// <summary>Replaces the line with any text (e.g. "done: test mIoU 51.2%").</summary>
    public void Update(string text) => _display.Update(text);
}

