using System.Net;

namespace TodoFunctions.CosmosEmulator.Server;

/// <summary>A request the gateway refuses, with the status (and sub-status) the real service answers for it.</summary>
internal sealed class GatewayException(HttpStatusCode statusCode, string message, int subStatusCode = 0) : Exception(message)
{
    public HttpStatusCode StatusCode { get; } = statusCode;

    public int SubStatusCode { get; } = subStatusCode;

    public static GatewayException BadRequest(string message) => new(HttpStatusCode.BadRequest, message);

    public static GatewayException NotFound(string message) => new(HttpStatusCode.NotFound, message);

    public static GatewayException Conflict(string message) => new(HttpStatusCode.Conflict, message);
}
