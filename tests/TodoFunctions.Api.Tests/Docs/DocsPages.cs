using Markdig;
using Markdig.Extensions.AutoIdentifiers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace TodoFunctions.Api.Tests.Docs;

/// <summary>One page of the documentation (README.md or docs/*.md), parsed the way GitHub renders it.</summary>
public sealed record DocsPage(string RelativePath, string FullPath, string Text, MarkdownDocument Document)
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseAutoIdentifiers(AutoIdentifierOptions.GitHub)
        .UsePreciseSourceLocation()
        .Build();

    /// <summary>The repository root: the nearest folder above the test program that holds <c>TodoFunctions.sln</c>.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>README.md and every page under docs/.</summary>
    public static IReadOnlyList<DocsPage> All { get; } =
    [
        .. new[] { Path.Combine(RepositoryRoot, "README.md") }
            .Concat(Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "docs"), "*.md").Order(StringComparer.Ordinal))
            .Select(Load),
    ];

    public static DocsPage Readme => All.Single(page => page.RelativePath == "README.md");

    public IEnumerable<FencedCodeBlock> CodeBlocks => Document.Descendants<FencedCodeBlock>();

    /// <summary>The heading anchors GitHub gives this page (<c>#idle-cost----idle</c> without the <c>#</c>).</summary>
    public IReadOnlySet<string> Anchors =>
        Document.Descendants<HeadingBlock>().Select(heading => heading.GetAttributes().Id ?? "").ToHashSet(StringComparer.Ordinal);

    public IEnumerable<LinkInline> Links => Document.Descendants<LinkInline>();

    /// <summary>Where a block or link is, for a failure message.</summary>
    public string Where(MarkdownObject item) => $"{RelativePath}:{Text.AsSpan(0, item.Span.Start).Count('\n') + 1}";

    private static DocsPage Load(string path)
    {
        var text = File.ReadAllText(path);
        return new(Path.GetRelativePath(RepositoryRoot, path).Replace('\\', '/'), path, text, Markdown.Parse(text, Pipeline));
    }

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "TodoFunctions.sln"))) return folder.FullName;
        }
        throw new InvalidOperationException($"No TodoFunctions.sln above {AppContext.BaseDirectory}.");
    }
}
