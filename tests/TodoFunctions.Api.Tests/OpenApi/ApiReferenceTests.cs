using System.Text.RegularExpressions;

namespace TodoFunctions.Api.Tests.OpenApi;

/// <summary>
/// <c>docs/api.md</c> and the served OpenAPI document describe the same operations: a <c>### METHOD /path</c> section
/// for each one, whose "Statuses:" line lists exactly the statuses the document gives it.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed partial class ApiReferenceTests(LocalHostFixture fixture)
{
    [Fact]
    public async Task Every_operation_has_a_section_in_docs_api_md_with_its_statuses_and_every_section_is_an_operation()
    {
        var contract = await OpenApiContract.ReadAsync(fixture.Client);

        var documented = contract.Operations.Select(operation =>
            $"{operation.Method} {operation.Path}: {string.Join(", ", contract.Document["paths"]![operation.Path]![operation.Method.ToLowerInvariant()]!["responses"]!.AsObject().Select(r => r.Key).Order())}");
        var described = Section().Matches(File.ReadAllText(ApiReference())).Select(section =>
            $"{section.Groups["operation"].Value}: {string.Join(", ", Regex.Replace(section.Groups["statuses"].Value, @"\s+", " ").Split(", ").Order())}");

        Assert.Equal(documented.Order(), described.Order());
    }

    private static string ApiReference()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory.FullName, "docs", "api.md"))) directory = directory.Parent!;
        return Path.Combine(directory.FullName, "docs", "api.md");
    }

    /// <summary>A section's heading, then its "Statuses:" line (which may wrap), before the next heading.</summary>
    [GeneratedRegex(@"^### (?<operation>[A-Z]+ /\S+)\n(?:(?!#)[\s\S])*?Statuses: (?<statuses>\d{3}(?:,\s+\d{3})*)\.", RegexOptions.Multiline)]
    private static partial Regex Section();
}
