namespace Farcluss.Charts;

/// <summary>
/// One line of text in a lesson's output that later calls replace in place (a progress line), in
/// whichever host runs the lesson (<see cref="Lesson.Output"/>): in a notebook the kernel's display
/// events under one id (<see cref="NotebookOutput"/>, which says why not <c>display(x).Update(y)</c>),
/// in a lesson's file-based app the page's line and the console (<see cref="LessonPage"/>). Outside
/// both (a test, a console) lines go to <see cref="Fallback"/>, the console by default.
/// Used by every lesson's progress line (<see cref="Lesson.ShowProgress"/>) and by lesson 08.
/// </summary>
public sealed class NotebookDisplay
{
    readonly ILessonOutput _output;

    /// <summary>The display id every state of this line carries.</summary>
    public string Id { get; } = "farcluss-" + Guid.NewGuid().ToString("N");

    /// <summary>The text shown now.</summary>
    public string Text { get; private set; }

    /// <summary>Where lines (and shown values) go when no notebook kernel is running (every update, one line each).</summary>
    public static Action<string> Fallback { get; set; } = Console.WriteLine;

    NotebookDisplay(string text)
    {
        Text = text;
        _output = Lesson.Output;
        _output.ShowLine(Id, text);
    }

    /// <summary>Shows <paramref name="text"/> as a new output of the running cell.</summary>
    public static NotebookDisplay Show(string text) => new(text);

    /// <summary>Replaces the text of this output.</summary>
    public void Update(string text)
    {
        Text = text;
        _output.ShowLine(Id, text);
    }
}
