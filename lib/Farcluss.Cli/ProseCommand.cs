using System.CommandLine;
using Farcluss.Training;

namespace Farcluss.Cli;

/// <summary>
/// `farcluss prose`: checks (or with --update rewrites) the numbers Markdown files quote from committed results
/// (<see cref="ProseNumbers"/>). After a results file is made again, `farcluss prose --update README.md …` brings the
/// prose along; the unit tests fail while any quoted number disagrees.
/// </summary>
static class ProseCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "Markdown files.", Arity = ArgumentArity.OneOrMore };
        var update = new Option<bool>("--update") { Description = "Rewrite each quoted number from its source (the file is replaced whole, atomically)." };
        var command = new Command("prose",
            "Check the numbers Markdown files quote from committed results (<!--n SOURCE QUANTITY-->TEXT<!--/n-->); " +
            "--update rewrites them from the results. Exit 1 when a quoted number disagrees.");
        command.Arguments.Add(files);
        command.Options.Add(update);
        command.SetAction(result =>
        {
            string root = CommonOptions.RepositoryRoot;
            int disagree = 0, quoted = 0;
            foreach (string file in result.GetValue(files)!)
            {
                if (!File.Exists(file)) throw new KitException("no such file", file);
                var quotes = ProseNumbers.Check(file, root);
                quoted += quotes.Count;
                foreach (var q in quotes.Where(q => !q.Agrees))
                {
                    disagree++;
                    Console.WriteLine(result.GetValue(update) ? $"updated {q}" : q.ToString());
                }
                if (result.GetValue(update) && quotes.Any(q => !q.Agrees))
                    AtomicFile.WriteAllText(file, ProseNumbers.Update(File.ReadAllText(file), root));
            }
            Console.WriteLine($"{quoted} quoted numbers, {disagree} {(result.GetValue(update) ? "updated" : "disagree")}");
            return disagree > 0 && !result.GetValue(update) ? 1 : 0;
        });
        return command;
    }
}
