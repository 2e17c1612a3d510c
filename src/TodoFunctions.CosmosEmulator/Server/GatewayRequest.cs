using System.Net;
using Microsoft.AspNetCore.Http;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Store;

namespace TodoFunctions.CosmosEmulator.Server;

/// <summary>An HTTP request read as the gateway protocol: path segments, protocol headers, a JSON body.</summary>
internal sealed class GatewayRequest(HttpContext context)
{
    public const int DefaultMaxItemCount = 100;

    public HttpContext Context => context;

    public string Method => context.Request.Method;

    public string[] Segments { get; } = (context.Request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);

    public CancellationToken Aborted => context.RequestAborted;

    public string? Header(string name) => context.Request.Headers.TryGetValue(name, out var value) ? value.ToString() : null;

    public bool Flag(string name) => bool.TryParse(Header(name), out var flag) && flag;

    public string? PartitionKeyJson => Header(CosmosHeaders.PartitionKey) is { } header ? PartitionKeyPath.FromHeader(header) : null;

    public string? IfMatch => Header("If-Match");

    public string? IfNoneMatch => Header("If-None-Match");

    public int MaxItemCount => int.TryParse(Header(CosmosHeaders.MaxItemCount), out var count) && count > 0 ? count : DefaultMaxItemCount;

    public bool IsQuery =>
        Flag(CosmosHeaders.IsQuery)
        || context.Request.ContentType?.StartsWith("application/query+json", StringComparison.OrdinalIgnoreCase) == true;

    public bool WantsMinimalResponse => string.Equals(Header(CosmosHeaders.Prefer), "return=minimal", StringComparison.OrdinalIgnoreCase);

    public async Task<JObject> ReadObjectAsync()
    {
        using var reader = new StreamReader(context.Request.Body);
        var text = await reader.ReadToEndAsync(Aborted);
        try
        {
            return Json.Parse(text) as JObject ?? throw GatewayException.BadRequest("The request body must be a JSON object.");
        }
        catch (Newtonsoft.Json.JsonException invalid)
        {
            throw GatewayException.BadRequest($"The request body is not valid JSON: {invalid.Message}");
        }
    }

    public static GatewayException MethodNotAllowed(string method, string path) =>
        new(HttpStatusCode.MethodNotAllowed, $"{method} is not supported on {path}.");
}
