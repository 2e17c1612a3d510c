using System.Net;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator;
using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.Testing;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests;

/// <summary>
/// Cosmos DB failing under a request, injected by the emulator's fault plan: every read and every write answers 503
/// with <c>Retry-After</c> and a problem, never 500, and a refused write stores nothing.
/// </summary>
[Collection(HostileRequestsCollection.Name)]
public sealed class UnavailabilityTests(LocalHostFixture fixture)
{
    private readonly HttpClient client = fixture.Client;

    public static TheoryData<string, FaultOutcome> ReadFaults => new()
    {
        { "get one", FaultOutcome.ServiceUnavailable },
        { "get one", FaultOutcome.Timeout },
        { "get one", FaultOutcome.Throttle },
        { "get one", FaultOutcome.DropConnection },
        { "list", FaultOutcome.ServiceUnavailable },
        { "list", FaultOutcome.Throttle },
        { "events", FaultOutcome.Timeout },
        { "events", FaultOutcome.DropConnection },
    };

    public static TheoryData<string, FaultOutcome> WriteFaults => new()
    {
        { "create", FaultOutcome.ServiceUnavailable },
        { "create", FaultOutcome.Throttle },
        { "create", FaultOutcome.DropConnection },
        { "update", FaultOutcome.Timeout },
        { "update", FaultOutcome.RetryWith },
        { "update", FaultOutcome.DropConnection },
        { "delete", FaultOutcome.ServiceUnavailable },
        { "delete", FaultOutcome.DropConnection },
    };

    [EmbeddedEmulatorTheory]
    [MemberData(nameof(ReadFaults))]
    public async Task A_read_that_cosmos_fails_answers_503_with_retry_after(string read, FaultOutcome outcome)
    {
        var todo = await client.CreateTodoAsync("""{"title":"read under faults"}""");
        var id = todo.GetProperty("id").GetString()!;
        var (path, rule) = read switch
        {
            "get one" => ($"todos/{id}", Rule(FaultOperation.Read, "todo-view", id, outcome)),
            "list" => ("todos", Rule(FaultOperation.Query, "todo-view", partitionKey: null, outcome)),
            _ => ($"todos/{id}/events", Rule(FaultOperation.Query, "events", id, outcome)),
        };

        using var response = await WithFaultAsync(rule, () => client.GetAsync(path));

        await AssertUnavailableAsync(response);
    }

    [EmbeddedEmulatorTheory]
    [MemberData(nameof(WriteFaults))]
    public async Task A_write_that_cosmos_refuses_answers_503_with_retry_after_and_stores_nothing(string write, FaultOutcome outcome)
    {
        var todo = await client.CreateTodoAsync("""{"title":"written under faults"}""");
        var id = todo.GetProperty("id").GetString()!;
        var stored = await fixture.CountStoredEventDocumentsAsync();
        var (request, rule) = write switch
        {
            "create" => (new HttpRequestMessage(HttpMethod.Post, "todos") { Content = Json("""{"title":"never stored"}""") },
                Rule(FaultOperation.Batch, "events", partitionKey: null, outcome)),
            "update" => (new HttpRequestMessage(HttpMethod.Patch, todo.Url()) { Content = Json("""{"completed":true}""") },
                Rule(FaultOperation.Batch, "events", id, outcome)),
            _ => (new HttpRequestMessage(HttpMethod.Delete, todo.Url()), Rule(FaultOperation.Read, "events", id, outcome)),
        };

        using var response = await WithFaultAsync(rule, () => client.SendAsync(request));

        await AssertUnavailableAsync(response);
        Assert.Equal(stored, await fixture.CountStoredEventDocumentsAsync());
    }

    private static FaultRule Rule(FaultOperation operation, string container, string? partitionKey, FaultOutcome outcome) => new()
    {
        Operations = [operation],
        Container = container,
        PartitionKey = partitionKey is null ? null : new JValue(partitionKey),
        Outcome = outcome,
        RetryAfterMs = 1,
    };

    private async Task<HttpResponseMessage> WithFaultAsync(FaultRule rule, Func<Task<HttpResponseMessage>> send)
    {
        var faults = fixture.Emulator!.Faults;
        faults.Install(new FaultPlan { Seed = 9, Rules = [rule] });
        try
        {
            return await send();
        }
        finally
        {
            faults.Clear();
        }
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.True(int.TryParse(response.Header("Retry-After"), out var seconds) && seconds >= 1, $"Retry-After: {response.Header("Retry-After")}");
    }
}

/// <summary>
/// The specifications that fault the emulator or send hostile requests: a local host of their own, so that neither
/// disturbs the shared one's projector.
/// </summary>
[CollectionDefinition(Name)]
public sealed class HostileRequestsCollection : ICollectionFixture<LocalHostFixture>
{
    public const string Name = "hostile requests";
}
