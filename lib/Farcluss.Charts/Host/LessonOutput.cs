namespace Farcluss.Charts;

/// <summary>
/// Where a lesson's output goes: the one API that both ways of running a lesson implement, so a lesson has
/// no <c>#if</c>. In a notebook (Jupyter, VS Code's Jupyter extension, dotnet-repl) it is
/// <see cref="NotebookOutput"/>, the kernel's own display; in a lesson's file-based app
/// (notebooks/apps/NN-name.cs) it is <see cref="LessonPage"/>, one offline HTML page.
/// A notebook shows its markdown cells itself; an app passes them to <see cref="Text"/>.
/// Used by every lesson through <see cref="Lesson.Show"/> and <see cref="NotebookDisplay"/>.
/// </summary>
public interface ILessonOutput
{
    /// <summary>A markdown cell's text (the lesson's prose).</summary>
    void Text(string markdown);

    /// <summary>
    /// A value the lesson shows: what a notebook's <c>display(value)</c> or a cell's last expression shows
    /// (a string, a table printed as text, a Plotly.NET chart).
    /// </summary>
    void Show(object? value);

    /// <summary>A line of text that later calls with the same <paramref name="id"/> replace in place (a progress line).</summary>
    void ShowLine(string id, string text);
}

public static partial class Lesson
{
    /// <summary>
    /// The output of the running lesson: the notebook's (<see cref="NotebookOutput.Instance"/>) unless a
    /// file-based app started a <see cref="LessonPage"/>.
    /// </summary>
    public static ILessonOutput Output { get; set; } = NotebookOutput.Instance;

    /// <summary>Shows <paramref name="value"/> as a notebook's <c>display(value)</c> would, in whichever host runs the lesson.</summary>
    public static void Show(object? value) => Output.Show(value);
}
