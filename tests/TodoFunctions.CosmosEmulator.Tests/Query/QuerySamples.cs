using System.Net;
using System.Text;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests.Query;

/// <summary>
/// One case of the Microsoft Learn query samples: a query, the documents it needs, and the result the service
/// gives. The cases in QuerySamples.json are facts taken from Azure-Samples/cosmos-db-nosql-query-samples (MIT
/// license), whose own validator checks them against the official emulator.
/// </summary>
public sealed record QuerySample(string Name, string Query, IReadOnlyList<JObject> Seed, JArray Expected)
{
    public static IReadOnlyDictionary<string, QuerySample> All { get; } = Load();

    private static Dictionary<string, QuerySample> Load()
    {
        using var reader = new JsonTextReader(File.OpenText(Path.Combine(AppContext.BaseDirectory, "Query", "QuerySamples.json")))
        {
            DateParseHandling = DateParseHandling.None,
        };
        return JArray.Load(reader).Cast<JObject>().Select(sample => new QuerySample(
                sample.Value<string>("name")!,
                sample.Value<string>("query")!,
                [.. (sample["seed"] as JArray ?? []).Cast<JObject>()],
                (JArray)sample["expected"]!))
            .ToDictionary(sample => sample.Name);
    }
}

/// <summary>What a query answered: its results, or the status and message it was refused with.</summary>
public sealed record QueryAnswer(JArray? Results, HttpStatusCode Status, string? Message);

/// <summary>One container holding every sample's documents, written without a partition key value as the samples' validator writes them.</summary>
public sealed class QuerySamplesFixture : IAsyncLifetime
{
    private readonly CosmosEndpoint _endpoint = new();
    private Database _database = null!;
    private Container _container = null!;

    public async Task InitializeAsync()
    {
        await _endpoint.InitializeAsync();
        var client = _endpoint.CreateClient();
        _database = (await client.CreateDatabaseAsync(_endpoint.UniqueName("samples"))).Database;
        _container = (await _database.CreateContainerAsync("data", "/pk")).Container;
        foreach (var document in QuerySample.All.Values.SelectMany(sample => sample.Seed))
        {
            using var body = new MemoryStream(Encoding.UTF8.GetBytes(document.ToString(Formatting.None)));
            using var written = await _container.UpsertItemStreamAsync(body, PartitionKey.None);
            written.EnsureSuccessStatusCode();
        }
    }

    public async Task DisposeAsync()
    {
        await _database.DeleteAsync();
        await _endpoint.DisposeAsync();
    }

    /// <summary>Runs a query to the end, reading pages as raw JSON so that no date or number is reinterpreted on the way.</summary>
    public async Task<QueryAnswer> AnswerAsync(string query)
    {
        var results = new JArray();
        try
        {
            using var iterator = _container.GetItemQueryStreamIterator(query);
            while (iterator.HasMoreResults)
            {
                using var page = await iterator.ReadNextAsync();
                if (!page.IsSuccessStatusCode) return new QueryAnswer(null, page.StatusCode, page.ErrorMessage);
                using var reader = new JsonTextReader(new StreamReader(page.Content)) { DateParseHandling = DateParseHandling.None };
                foreach (var result in (JArray)JObject.Load(reader)["Documents"]!) results.Add(result);
            }
        }
        catch (CosmosException refused)
        {
            return new QueryAnswer(null, refused.StatusCode, refused.Message);
        }
        return new QueryAnswer(results, HttpStatusCode.OK, null);
    }
}
