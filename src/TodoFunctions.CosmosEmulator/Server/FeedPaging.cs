using System.Text;
using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Server;

/// <summary>
/// Pages a complete result list by <c>x-ms-max-item-count</c>. The continuation token is opaque to the SDK,
/// which sends it back as is; it holds the position of the next page.
/// </summary>
internal static class FeedPaging
{
    private const string Prefix = "emulator-offset:";

    public static (IReadOnlyList<JToken> Page, string? Continuation) Slice(IReadOnlyList<JToken> results, GatewayRequest request)
    {
        var offset = Offset(request.Header(CosmosHeaders.Continuation));
        var page = results.Skip(offset).Take(request.MaxItemCount).ToList();
        var next = offset + page.Count;
        return (page, next < results.Count ? Convert.ToBase64String(Encoding.UTF8.GetBytes(Prefix + next)) : null);
    }

    public static bool IsFirstPage(GatewayRequest request) => string.IsNullOrEmpty(request.Header(CosmosHeaders.Continuation));

    private static int Offset(string? continuation)
    {
        if (string.IsNullOrEmpty(continuation))
            return 0;
        var buffer = new byte[continuation.Length];
        return Convert.TryFromBase64String(continuation, buffer, out var length)
            && Encoding.UTF8.GetString(buffer, 0, length) is var text
            && text.StartsWith(Prefix, StringComparison.Ordinal)
            && int.TryParse(text[Prefix.Length..], out var offset)
            && offset >= 0
                ? offset
                : throw GatewayException.BadRequest($"The continuation token '{continuation}' was not issued by this emulator.");
    }
}
