using System.Text;
using Microsoft.AspNetCore.Http;
using TodoFunctions.Cosmos.Idempotency;

namespace TodoFunctions.Api.Http;

/// <summary>
/// The Idempotency-Key request header (draft-ietf-httpapi-idempotency-key-header): its value is a structured-field
/// string (<c>"…"</c>); a bare token is accepted too, as many clients send one.
/// </summary>
internal static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";

    /// <summary>On an answer that repeats a stored one, as Stripe, PayPal and others name it.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>
    /// Reads the key (400 when it is malformed, whatever the body), then the body with <paramref name="readBody"/>,
    /// which refuses a bad body before any record is written, then fingerprints the body bytes it read.
    /// </summary>
    public static async Task<(T Command, IdempotencyKey? Key)> ReadAsync<T>(HttpRequest request, Func<Task<T>> readBody, CancellationToken cancellationToken)
    {
        var key = KeyOf(request);
        if (key is null) return (await readBody(), null);
        request.EnableBuffering();
        var command = await readBody();
        request.Body.Position = 0;
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellationToken);
        return (command, Scoped(request, key, body.ToArray()));
    }

    /// <summary>The key of a request without a body (DELETE).</summary>
    public static IdempotencyKey? Of(HttpRequest request) => KeyOf(request) is { } key ? Scoped(request, key, []) : null;

    /// <summary>
    /// Scoped by the path as routing reads it, so the same request under another spelling is the same scope: routes
    /// ignore case, and a todo id may come in any format <see cref="Guid.TryParse(string?, out Guid)"/> reads. The
    /// fingerprint is over the payload, as the draft says: a repeat with other If-Match/If-None-Match gets the stored answer.
    /// </summary>
    private static IdempotencyKey Scoped(HttpRequest request, string key, ReadOnlySpan<byte> body)
    {
        var path = string.Join('/', request.Path.Value!.TrimEnd('/').Split('/')
            .Select(segment => Guid.TryParse(segment, out var id) ? id.ToString("D") : segment.ToLowerInvariant()));
        return new IdempotencyKey(request.Method, path, key, IdempotencyKey.FingerprintOf(request.Method, path, body));
    }

    public static HttpAnswer Answer<T>(HttpAnswer answer, Idempotent<T> result) =>
        result.Replayed ? answer.WithHeader(ReplayedHeader, "true") : answer;

    private static string? KeyOf(HttpRequest request)
    {
        var values = request.Headers[Header];
        if (values.Count == 0) return null;
        if (values.Count > 1) throw new ProblemException(Problems.MalformedIdempotencyKey("Send one Idempotency-Key header, not several."));
        var key = Unquote(values[0]!);
        return key.Length is > 0 and <= IdempotencyKey.MaxLength
            ? key
            : throw new ProblemException(Problems.MalformedIdempotencyKey($"The key must be 1 to {IdempotencyKey.MaxLength} characters long, not {key.Length}."));
    }

    /// <summary>An sf-string (RFC 8941 §3.3.3: printable ASCII, <c>\"</c> and <c>\\</c> escapes) or a bare token.</summary>
    private static string Unquote(string value)
    {
        if (value.Length < 2 || value[0] != '"' || value[^1] != '"')
            return value.All(IsTokenCharacter) ? value : throw new ProblemException(Problems.MalformedIdempotencyKey(
                "The key must be a quoted string (\"…\") or a token of letters, digits and !#$%&'*+-.^_`|~:/."));
        var key = new StringBuilder(value.Length);
        for (var i = 1; i < value.Length - 1; i++)
        {
            var c = value[i];
            if (c == '\\' && i + 1 < value.Length - 1 && value[i + 1] is '"' or '\\') c = value[++i];
            else if (c is '\\' or '"' or < ' ' or > '~') throw new ProblemException(Problems.MalformedIdempotencyKey(
                "A quoted key holds printable ASCII only, with \\\" and \\\\ as its only escapes."));
            key.Append(c);
        }
        return key.ToString();
    }

    private static bool IsTokenCharacter(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~:/".Contains(c);
}
