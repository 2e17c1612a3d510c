using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TodoFunctions.Cosmos;

namespace TodoFunctions.Api.Tests;

/// <summary>
/// The statistics projection writes its document into the read container after the todo view's write that
/// read-your-writes waits for, and so moves the list's weak tag once more: a test that compares list tags around a
/// new todo waits for that document first.
/// </summary>
internal static class StatisticsSettling
{
    public static Task WaitForStatisticsOfAsync(this LocalHostFixture fixture, JsonElement todo) =>
        Eventually.ReadAsync(() => StatisticsDocumentExistsAsync(fixture, todo), exists => exists, "the statistics projection to write the todo's document");

    private static async Task<bool> StatisticsDocumentExistsAsync(LocalHostFixture fixture, JsonElement todo)
    {
        var options = fixture.Host.Services.GetRequiredService<IOptions<TodoStoreOptions>>().Value;
        var read = fixture.Host.Services.GetRequiredService<CosmosClient>().GetContainer(options.DatabaseName, options.ReadModelContainer);
        var id = $"{todo.GetProperty("id").GetString()}:stats";
        using var response = await read.ReadItemStreamAsync(id, new PartitionKey(id));
        return response.StatusCode == HttpStatusCode.OK;
    }
}
