using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;
using TodoFunctions.Api.Http;

namespace TodoFunctions.Api.WebApp;

/// <summary>
/// The web app's static files, shipped in the app's output folder (<see cref="Folder"/>). The file provider refuses
/// any path that climbs out of that folder, and only the extensions the app ships have a content type.
/// </summary>
public sealed class WebAppFiles : IDisposable
{
    /// <summary>Where the build copies the files, next to the app's assemblies in both hosts.</summary>
    public const string Folder = "web";

    /// <summary>What the path <c>/</c> serves.</summary>
    private const string IndexFile = "index.html";

    /// <summary>
    /// The page talks to the API root the user chooses (another Todo-Backend server included), so <c>connect-src</c>
    /// allows any origin; scripts, styles and everything else come from this server only.
    /// </summary>
    private const string ContentSecurityPolicy = "default-src 'self'; connect-src *; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private readonly PhysicalFileProvider files = new(Path.Combine(AppContext.BaseDirectory, Folder));
    private readonly FileExtensionContentTypeProvider contentTypes = new(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    });

    /// <summary>The file at <paramref name="path"/> (the index for none), or <c>null</c> when none is served there.</summary>
    public IActionResult? Answer(string? path)
    {
        var name = string.IsNullOrEmpty(path) ? IndexFile : path;
        if (name.StartsWith($"{TodoRoutes.Prefix}/", StringComparison.OrdinalIgnoreCase)) return null;
        if (!contentTypes.TryGetContentType(name, out var contentType)) return null;
        var file = files.GetFileInfo(name);
        return file is { Exists: true, IsDirectory: false } ? new StaticFileAnswer(file, contentType) : null;
    }

    public void Dispose() => files.Dispose();

    /// <summary>
    /// A file with a validator, revalidated on every use (<c>no-cache</c>): the app changes with each deployment and a
    /// 304 costs next to nothing, so a browser never runs an old script against a newer API.
    /// </summary>
    private sealed class StaticFileAnswer(IFileInfo file, string contentType) : IActionResult
    {
        public async Task ExecuteResultAsync(ActionContext context)
        {
            var (request, response) = (context.HttpContext.Request, context.HttpContext.Response);
            var etag = new EntityTagHeaderValue($"\"{file.LastModified.UtcTicks:x}-{file.Length:x}\"");
            response.Headers[HeaderNames.ETag] = etag.ToString();
            response.Headers[HeaderNames.CacheControl] = "no-cache";
            response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
            response.Headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
            if (request.GetTypedHeaders().IfNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(etag, useStrongComparison: false)))
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = contentType;
            response.ContentLength = file.Length;
            if (HttpMethods.IsHead(request.Method)) return;
            await response.SendFileAsync(file, context.HttpContext.RequestAborted);
        }
    }
}
