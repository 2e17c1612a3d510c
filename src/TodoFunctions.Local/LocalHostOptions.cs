using System.Reflection;

namespace TodoFunctions.Local;

/// <summary>How to start a <see cref="LocalHost"/>; everything else comes from configuration (command line, environment).</summary>
public sealed record LocalHostOptions
{
    /// <summary>Command-line arguments, read as configuration: <c>--urls</c>, <c>--CosmosDb</c>, <c>--AzureWebJobsStorage</c>, <c>--LocalHost:DataDirectory</c>, …</summary>
    public string[] Args { get; init; } = [];

    /// <summary>Where to listen; when null, the <c>urls</c> setting, else <see cref="LocalHost.DefaultUrls"/>.</summary>
    public string? Urls { get; init; }

    /// <summary>Settings that win over every other source, such as a test's own database name, Cosmos endpoint or storage account.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Runs after the app's own composition, e.g. for a benchmark to count the requests the Cosmos client sends.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    /// <summary>Assemblies whose HTTP functions are served beside the app's own, e.g. a benchmark's baseline API.</summary>
    public IReadOnlyList<Assembly> AdditionalFunctionAssemblies { get; init; } = [];
}
