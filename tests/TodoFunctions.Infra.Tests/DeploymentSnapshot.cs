using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TodoFunctions.Infra.Tests;

/// <summary>
/// The resources a deployment would create, as <c>bicep snapshot</c> predicts them: names and ids evaluated,
/// values only Azure knows at deployment time (principal ids, endpoints) left as <c>reference()</c> expressions.
/// </summary>
public sealed partial class DeploymentSnapshot(JsonObject snapshot)
{
    public IReadOnlyList<JsonObject> Resources { get; } =
        snapshot["predictedResources"]!.AsArray().Select(resource => resource!.AsObject()).ToList();

    public JsonArray Diagnostics => snapshot["diagnostics"]!.AsArray();

    public JsonObject Outputs => snapshot["outputs"]!.AsObject();

    public IEnumerable<JsonObject> OfType(string type) => Resources.Where(resource => (string)resource["type"]! == type);

    public JsonObject Single(string type) => Assert.Single(OfType(type));

    public JsonObject FunctionApp => Single("Microsoft.Web/sites");

    /// <summary>The resource id of the user-assigned identity the function app runs as.</summary>
    public string AppIdentityId => Assert.Single(FunctionApp["identity"]!["userAssignedIdentities"]!.AsObject()).Key;

    public IReadOnlyDictionary<string, string> AppSettings =>
        FunctionApp["properties"]!["siteConfig"]!["appSettings"]!.AsArray()
            .ToDictionary(setting => (string)setting!["name"]!, setting => (string)setting!["value"]!);

    /// <summary>The resource an extension resource (a role assignment) is attached to.</summary>
    public static string ScopeOf(JsonObject extensionResource)
    {
        var match = ExtensionResourceScope().Match((string)extensionResource["id"]!);
        Assert.True(match.Success, $"{extensionResource["id"]} is not an extension resource id");
        return match.Groups["scope"].Value;
    }

    public static string IdOf(JsonObject resource) => (string)resource["id"]!;

    // Unevaluated when the name depends on a deployment-time value (a principal id), evaluated otherwise.
    [GeneratedRegex(@"^\[extensionResourceId\('(?<scope>[^']+)'|^(?<scope>/subscriptions/.+)/providers/Microsoft\.Authorization/")]
    private static partial Regex ExtensionResourceScope();
}
