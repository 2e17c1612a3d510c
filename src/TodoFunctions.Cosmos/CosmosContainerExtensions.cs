using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;

namespace TodoFunctions.Cosmos;

/// <summary>The two read patterns every adapter here needs, without exceptions for the expected "not found".</summary>
internal static class CosmosContainerExtensions
{
    /// <summary>
    /// A point read (one round trip, 1 RU for a small document); <c>null</c> when the document does not exist. A 404
    /// with a sub-status (1002: no replica has the session token's progress yet) is not "not found" and throws.
    /// </summary>
    public static async Task<(T Document, string ETag)?> ReadOptionalAsync<T>(
        this Container container, string id, PartitionKey partitionKey, CancellationToken cancellationToken, ItemRequestOptions? options = null)
    {
        using var response = await container.ReadItemStreamAsync(id, partitionKey, options, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound && response.Headers["x-ms-substatus"] is null or "0") return null;
        response.EnsureSuccessStatusCode();
        var document = await JsonSerializer.DeserializeAsync<T>(response.Content, TodoJson.Options, cancellationToken)
            ?? throw new InvalidDataException($"Document {id} is empty.");
        return (document, response.Headers.ETag);
    }

    public static async Task<List<T>> QueryAllAsync<T>(
        this Container container, QueryDefinition query, QueryRequestOptions? options, CancellationToken cancellationToken)
    {
        var results = new List<T>();
        using var iterator = container.GetItemQueryIterator<T>(query, requestOptions: options);
        while (iterator.HasMoreResults)
            results.AddRange(await iterator.ReadNextAsync(cancellationToken));
        return results;
    }
}
