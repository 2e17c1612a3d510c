using System.Text.Json;

namespace TodoFunctions.Cosmos;

/// <summary>The one JSON configuration for documents and event payloads, used by the Cosmos client and by this library alike.</summary>
internal static class TodoJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
