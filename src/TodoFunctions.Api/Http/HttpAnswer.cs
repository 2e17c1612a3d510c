using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace TodoFunctions.Api.Http;

/// <summary>
/// An answer that writes itself: status, headers and an optional JSON body. It needs no MVC formatter or executor,
/// so the Functions worker and the local host put the very same bytes on the wire.
/// </summary>
internal sealed class HttpAnswer(int statusCode, object? body = null, string contentType = "application/json") : IActionResult
{
    /// <summary>camelCase names, as in the Todo-Backend representation.</summary>
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private readonly Dictionary<string, string> headers = [];

    public int StatusCode => statusCode;

    public HttpAnswer WithHeader(string name, string value)
    {
        headers[name] = value;
        return this;
    }

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = statusCode;
        foreach (var (name, value) in headers) response.Headers[name] = value;
        if (body is null) return;
        response.ContentType = $"{contentType}; charset=utf-8";
        await JsonSerializer.SerializeAsync(response.Body, body, body.GetType(), JsonOptions, context.HttpContext.RequestAborted);
    }
}
