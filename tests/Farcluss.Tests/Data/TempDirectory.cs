namespace Farcluss.Tests.Data;

/// <summary>A fresh folder under the system temp dir, deleted on dispose.</summary>
sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("farcluss-data-test-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
