using System.Net;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests;

/// <summary>What only the embedded emulator has: its request log, HTTPS with a generated certificate, its data directory.</summary>
public sealed class EmbeddedEmulatorTests : IDisposable
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), $"emulator-core-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(dataDirectory))
            Directory.Delete(dataDirectory, recursive: true);
    }

    [EmbeddedEmulatorFact]
    public async Task Every_request_is_logged_at_debug_level_with_method_path_status_charge_and_duration()
    {
        var log = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(log));
        await using var emulator = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { LoggerFactory = loggerFactory });
        using var client = Client(emulator);

        var database = (await client.CreateDatabaseAsync("logged")).Database;
        await Assert.ThrowsAsync<CosmosException>(() => database.GetContainer("missing").ReadContainerAsync());

        var created = Assert.Single(log.Entries, entry => entry.Values["Method"] is "POST" && entry.Values["Path"] is "/dbs");
        var missing = Assert.Single(log.Entries, entry => entry.Values["Path"] is "/dbs/logged/colls/missing");
        Assert.Equal("TodoFunctions.CosmosEmulator.Requests", created.Category);
        Assert.Equal(LogLevel.Debug, created.Level);
        Assert.Equal(201, created.Values["StatusCode"]);
        Assert.True((double)created.Values["RequestCharge"]! > 0);
        Assert.True((double)created.Values["DurationMs"]! >= 0);
        Assert.Equal(404, missing.Values["StatusCode"]);
    }

    [EmbeddedEmulatorFact]
    public async Task Over_https_the_sdk_works_when_it_accepts_the_generated_certificate()
    {
        await using var emulator = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { UseHttps = true });
        using var client = Client(emulator);

        var created = await client.CreateDatabaseAsync("secure");

        Assert.Equal("https", emulator.Endpoint.Scheme);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [EmbeddedEmulatorFact]
    public async Task Restarted_on_its_data_directory_the_emulator_has_the_same_items_etags_and_change_feed()
    {
        string etag;
        string continuation;
        await using (var first = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { DataDirectory = dataDirectory }))
        {
            using var client = Client(first);
            var container = await (await client.CreateDatabaseAsync("kept")).Database.CreateContainerAsync("todos", "/pk");
            etag = (await container.Container.CreateItemAsync(new JObject { ["id"] = "a", ["pk"] = "p" }, new PartitionKey("p"))).ETag;
            await container.Container.CreateItemAsync(new JObject { ["id"] = "b", ["pk"] = "p" }, new PartitionKey("p"));
            await container.Container.DeleteItemAsync<JObject>("b", new PartitionKey("p"));
            using var feed = container.Container.GetChangeFeedIterator<JObject>(ChangeFeedStartFrom.Beginning(), ChangeFeedMode.LatestVersion);
            continuation = (await feed.ReadNextAsync()).ContinuationToken;
        }

        await using var restarted = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { DataDirectory = dataDirectory });
        using var again = Client(restarted);
        var todos = again.GetContainer("kept", "todos");
        var read = await todos.ReadItemAsync<JObject>("a", new PartitionKey("p"));
        var deleted = await Assert.ThrowsAsync<CosmosException>(() => todos.ReadItemAsync<JObject>("b", new PartitionKey("p")));
        await todos.CreateItemAsync(new JObject { ["id"] = "c", ["pk"] = "p" }, new PartitionKey("p"));
        using var resumed = todos.GetChangeFeedIterator<JObject>(ChangeFeedStartFrom.ContinuationToken(continuation), ChangeFeedMode.LatestVersion);
        var changes = await resumed.ReadNextAsync();

        Assert.Equal(etag, read.ETag);
        Assert.Equal(HttpStatusCode.NotFound, deleted.StatusCode);
        Assert.Equal(["c"], changes.Select(change => change.Value<string>("id")));
    }

    internal static CosmosClient Client(CosmosEmulatorServer emulator) => Client(emulator.ConnectionString);

    internal static CosmosClient Client(string connectionString) =>
        new(connectionString, new CosmosClientOptions
        {
            ConnectionMode = ConnectionMode.Gateway,
            LimitToEndpoint = true,
            ServerCertificateCustomValidationCallback = (_, _, _) => true,
        });

    private sealed record LogEntry(string Category, LogLevel Level, IReadOnlyDictionary<string, object?> Values);

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly List<LogEntry> entries = [];

        public IReadOnlyList<LogEntry> Entries
        {
            get
            {
                lock (entries)
                    return [.. entries.Where(entry => entry.Category == "TodoFunctions.CosmosEmulator.Requests")];
            }
        }

        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, entries);

        public void Dispose()
        {
        }

        private sealed class CapturingLogger(string category, List<LogEntry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var values = (state as IEnumerable<KeyValuePair<string, object?>>)?.ToDictionary() ?? [];
                lock (entries)
                    entries.Add(new LogEntry(category, logLevel, values));
            }
        }
    }
}
