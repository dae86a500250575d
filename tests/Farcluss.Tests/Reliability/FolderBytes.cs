using System.Security.Cryptography;

namespace Farcluss.Tests.Reliability;

/// <summary>
/// Every file under a folder, by relative path, with the SHA-256 of its bytes: two snapshots are equal
/// when a command left the folder byte-identical (no file added, removed or changed).
/// </summary>
static class FolderBytes
{
    public static SortedDictionary<string, string> Of(string folder) => new(
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(
            f => Path.GetRelativePath(folder, f),
            f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))),
        StringComparer.Ordinal);

    public static void AssertUnchanged(SortedDictionary<string, string> before, string folder, string what)
    {
        var after = Of(folder);
        var changed = before.Keys.Union(after.Keys)
            .Where(k => !before.TryGetValue(k, out var b) || !after.TryGetValue(k, out var a) || a != b).ToArray();
        Assert.True(changed.Length == 0, $"{what} changed {string.Join(", ", changed)} in {folder}");
    }
}
