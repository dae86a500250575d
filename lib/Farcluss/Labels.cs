namespace Farcluss;

/// <summary>Label conventions shared by every dataset of the kit (see the glossary in README).</summary>
public static class Labels
{
    /// <summary>Pixels with this label count nowhere: not in any loss, not in any metric (VOC's void).</summary>
    public const int Ignore = 255;
}
