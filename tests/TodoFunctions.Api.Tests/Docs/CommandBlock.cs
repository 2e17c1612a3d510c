using System.Text;
using Markdig.Syntax;

namespace TodoFunctions.Api.Tests.Docs;

/// <summary>
/// A fenced block of the docs with its info string (<c>bash</c>, <c>bash azure</c>, <c>bash long-running</c>, <c>text</c>…),
/// and, for shell blocks, its command lines as bash reads them: continuations joined, comments and blank lines dropped.
/// </summary>
public sealed record CommandBlock(DocsPage Page, FencedCodeBlock Block)
{
    public const string Local = "bash";
    public const string NeedsAzure = "bash azure";
    public const string LongRunning = "bash long-running";

    /// <summary>Info strings of blocks that hold no commands: outputs, examples, diagrams, code.</summary>
    public static readonly IReadOnlySet<string> NotCommands = new HashSet<string> { "text", "json", "http", "mermaid", "csharp" };

    public static IEnumerable<CommandBlock> All => DocsPage.All.SelectMany(page => page.CodeBlocks.Select(block => new CommandBlock(page, block)));

    public string Info => $"{Block.Info} {Block.Arguments}".Trim();

    public string Where => Page.Where(Block);

    /// <summary>The block's text as written, for bash to run.</summary>
    public string Script => string.Join('\n', Block.Lines.Lines.Take(Block.Lines.Count).Select(line => line.ToString()));

    public IReadOnlyList<string> CommandLines
    {
        get
        {
            var commands = new List<string>();
            var pending = "";
            foreach (var line in Script.Split('\n'))
            {
                var text = pending + line;
                if (text.EndsWith('\\'))
                {
                    pending = text[..^1];
                    continue;
                }
                pending = "";
                var command = WithoutComment(text).Trim();
                if (command.Length > 0) commands.Add(command);
            }
            return commands;
        }
    }

    /// <summary>The line up to a <c>#</c> that starts a comment: at the start or after a blank, outside quotes.</summary>
    private static string WithoutComment(string line)
    {
        var quote = '\0';
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
            }
            else if (c is '\'' or '"') quote = c;
            else if (c == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1]))) return line[..i];
        }
        return line;
    }

    /// <summary>Collapses runs of blanks, so that a line aligned for reading still matches its copy.</summary>
    public static string Normalized(string command)
    {
        var text = new StringBuilder(command.Length);
        foreach (var c in command.Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                if (text.Length > 0 && text[^1] != ' ') text.Append(' ');
            }
            else text.Append(c);
        }
        return text.ToString();
    }
}
