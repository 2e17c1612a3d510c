namespace TodoFunctions.Load;

/// <summary>One load run: where, how long, how many clients, which mix, with which headers.</summary>
public sealed record LoadOptions
{
    /// <summary>The API root, e.g. <c>http://127.0.0.1:7071/api</c> or <c>https://app.azurewebsites.net/api</c>.</summary>
    public required Uri ApiRoot { get; init; }

    /// <summary>The todo collection under the root: <c>todos</c>, or <c>crud/todos</c> for the benchmark's CRUD baseline.</summary>
    public string TodoRoute { get; init; } = "todos";

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>When set, each client also stops after this many requests: with its seeded mix, a run that does the same requests however fast the host is.</summary>
    public int? RequestsPerClient { get; init; }

    /// <summary>Concurrent clients, each sending its next request when its last one has answered.</summary>
    public int Clients { get; init; } = 8;

    public LoadMix Mix { get; init; } = LoadMix.Default;

    /// <summary>Sent with every request, e.g. <c>X-Wait-For-Read-Model: false</c> or <c>x-functions-key</c>.</summary>
    public IReadOnlyList<(string Name, string Value)> Headers { get; init; } = [];

    /// <summary>The page size of a list request, <c>?limit=</c>.</summary>
    public int ListLimit { get; init; } = 20;

    public string TodosUrl => $"{ApiRoot.AbsoluteUri.TrimEnd('/')}/{TodoRoute.Trim('/')}";
}
