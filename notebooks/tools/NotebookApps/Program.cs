// Generates (or with --check, verifies) every lesson's file-based app from its notebook:
//
//   dotnet run --project notebooks/tools/NotebookApps [-- --check]
//
// notebooks/NN-name.ipynb → notebooks/apps/NN-name.cs. --check writes nothing and exits 1 naming every app that is
// missing, out of date with its notebook, or has no notebook. Run from anywhere inside the repository.
using Farcluss.NotebookApps;

bool check = args.Contains("--check");
string? root = null;
for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null && root is null; dir = dir.Parent)
    if (File.Exists(Path.Combine(dir.FullName, "Farcluss.Kit.sln"))) root = dir.FullName;
if (root is null) { Console.Error.WriteLine("NotebookApps: run inside the repository (no Farcluss.Kit.sln above the working directory)"); return 2; }

var notebooks = Path.Combine(root, "notebooks");
var apps = Path.Combine(notebooks, "apps");
Directory.CreateDirectory(apps);
int problems = 0;
var names = Directory.GetFiles(notebooks, "*.ipynb").Select(Path.GetFileNameWithoutExtension).Where(n => n!.Length > 3 && char.IsAsciiDigit(n[0]) && char.IsAsciiDigit(n[1]) && n[2] == '-').Order().ToList();
foreach (var name in names)
{
    var appPath = Path.Combine(apps, name + ".cs");
    string app;
    try { app = NotebookApp.Generate(File.ReadAllText(Path.Combine(notebooks, name + ".ipynb")), name!, notebooks); }
    catch (NotebookAppException e) { Console.Error.WriteLine($"FAILED {e.Message}"); problems++; continue; }
    bool same = File.Exists(appPath) && File.ReadAllText(appPath) == app;
    if (same) Console.WriteLine($"up to date   notebooks/apps/{name}.cs");
    else if (check) { Console.WriteLine($"OUT OF DATE  notebooks/apps/{name}.cs (regenerate: {NotebookApp.RegenerateCommand})"); problems++; }
    else { File.WriteAllText(appPath, app); Console.WriteLine($"wrote        notebooks/apps/{name}.cs"); }
}
foreach (var orphan in Directory.GetFiles(apps, "*.cs").Select(Path.GetFileNameWithoutExtension).Where(n => !names.Contains(n)))
{
    Console.WriteLine($"NO NOTEBOOK  notebooks/apps/{orphan}.cs (delete it, or add notebooks/{orphan}.ipynb)");
    problems++;
}
return problems == 0 ? 0 : 1;
