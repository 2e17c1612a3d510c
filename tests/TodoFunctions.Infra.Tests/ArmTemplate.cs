using System.Text.Json.Nodes;

namespace TodoFunctions.Infra.Tests;

/// <summary>Walks a compiled ARM template: its nested module templates, and the resources of each in either language version.</summary>
public static class ArmTemplate
{
    /// <summary>The template and every module template nested in it.</summary>
    public static IEnumerable<JsonObject> WithModules(JsonObject template) =>
        ResourcesOf(template)
            .Select(resource => resource["properties"]?["template"]?.AsObject())
            .OfType<JsonObject>()
            .SelectMany(WithModules)
            .Prepend(template);

    // languageVersion 2.0 keys resources by their symbolic name; the classic form lists them.
    public static IEnumerable<JsonObject> ResourcesOf(JsonObject template) =>
        template["resources"] switch
        {
            JsonArray list => list.Select(resource => resource!.AsObject()),
            JsonObject bySymbolicName => bySymbolicName.Select(resource => resource.Value!.AsObject()),
            _ => [],
        };
}
