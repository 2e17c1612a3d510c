namespace TodoFunctions.Api.Tests.Docs;

/// <summary>The documentation's relative links lead somewhere: a file that exists and, when named, a heading on it.</summary>
public sealed class DocsLinksTests
{
    [Fact]
    public void Every_relative_link_in_the_docs_points_to_an_existing_file_and_heading()
    {
        var broken = new List<string>();
        foreach (var page in DocsPage.All)
        {
            foreach (var link in page.Links)
            {
                var url = link.Url ?? "";
                if (url.Length == 0 || Uri.TryCreate(url, UriKind.Absolute, out _)) continue;
                var (path, anchor) = url.IndexOf('#') is var hash and >= 0 ? (url[..hash], url[(hash + 1)..]) : (url, null);
                var target = path.Length == 0 ? page : null;
                var targetPath = path.Length == 0 ? page.FullPath : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page.FullPath)!, path));
                if (!File.Exists(targetPath) && !Directory.Exists(targetPath))
                {
                    broken.Add($"{page.Where(link)}: {url} (no such file)");
                    continue;
                }
                if (anchor is null) continue;
                target ??= DocsPage.All.SingleOrDefault(candidate => candidate.FullPath == targetPath);
                if (target is null) broken.Add($"{page.Where(link)}: {url} (an anchor on a page that is not documentation)");
                else if (!target.Anchors.Contains(anchor)) broken.Add($"{page.Where(link)}: {url} (no heading #{anchor} in {target.RelativePath})");
            }
        }
        Assert.True(broken.Count == 0, "Broken links:\n" + string.Join('\n', broken));
    }
}
