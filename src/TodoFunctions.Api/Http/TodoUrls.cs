using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace TodoFunctions.Api.Http;

/// <summary>Absolute URLs as the client sees the service, also from behind a proxy that forwards its scheme and host.</summary>
internal static class TodoUrls
{
    public static string For(HttpRequest request, Guid id) => ForPath(request, $"{TodoRoutes.Todos}/{id}");

    /// <summary>The absolute URL of a path such as <see cref="TodoRoutes.ProjectionStatus"/>.</summary>
    public static string ForPath(HttpRequest request, string path)
    {
        var scheme = ClientFacing(request.Headers["X-Forwarded-Proto"]) ?? request.Scheme;
        var host = ClientFacing(request.Headers["X-Forwarded-Host"]) ?? request.Host.Value;
        return $"{scheme}://{host}{request.PathBase}/{path}";
    }

    /// <summary>Each proxy on the way appends its own value; the first one is what the client used.</summary>
    private static string? ClientFacing(StringValues forwarded) =>
        forwarded.ToString().Split(',')[0].Trim() is { Length: > 0 } first ? first : null;
}
