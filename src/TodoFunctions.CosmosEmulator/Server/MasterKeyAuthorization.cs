using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace TodoFunctions.CosmosEmulator.Server;

/// <summary>
/// Verifies the master-key signature the SDK puts on every request: an HMAC-SHA256, keyed with the account key,
/// over the verb, resource type, resource link and date. A wrong key answers 401, as the real service does.
/// </summary>
internal sealed class MasterKeyAuthorization(string accountKey)
{
    private readonly byte[] key = Convert.FromBase64String(accountKey);

    public void Verify(string verb, IReadOnlyList<string> pathSegments, string? authorization, string? xDate, string? date)
    {
        var signature = SignatureOf(authorization)
            ?? throw new GatewayException(HttpStatusCode.Unauthorized, "The request has no master-key authorization header.");
        if (string.IsNullOrEmpty(xDate) && string.IsNullOrEmpty(date))
            throw new GatewayException(HttpStatusCode.Unauthorized, "The request has neither an x-ms-date nor a Date header.");
        var (resourceType, resourceLink) = Resource(pathSegments);
        // The SDK signs a name-based link as is and an id-based one (its partition key range reads) lowercased.
        if (!Matches(signature, verb, resourceType, resourceLink, xDate, date)
            && !Matches(signature, verb, resourceType, resourceLink[(resourceLink.LastIndexOf('/') + 1)..].ToLowerInvariant(), xDate, date))
            throw new GatewayException(HttpStatusCode.Unauthorized,
                "The input authorization token can't serve the request. The wrong key is being used or the expected payload is not built as per the protocol.");
    }

    // A feed (…/colls) is signed with its parent's link and its own type; a resource (…/colls/orders) with its own link and type.
    private static (string Type, string Link) Resource(IReadOnlyList<string> segments) => segments.Count switch
    {
        0 => ("", ""),
        var count when count % 2 == 1 => (segments[^1], string.Join('/', segments.Take(count - 1))),
        _ => (segments[^2], string.Join('/', segments)),
    };

    private bool Matches(byte[] signature, string verb, string resourceType, string resourceLink, string? xDate, string? date)
    {
        var payload = $"{verb.ToLowerInvariant()}\n{resourceType.ToLowerInvariant()}\n{resourceLink}\n"
            + $"{xDate?.ToLowerInvariant()}\n{(string.IsNullOrEmpty(xDate) ? date?.ToLowerInvariant() : "")}\n";
        return CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(payload)), signature);
    }

    private static byte[]? SignatureOf(string? authorization)
    {
        if (authorization is null)
            return null;
        var fields = Uri.UnescapeDataString(authorization).Split('&');
        var signature = fields.FirstOrDefault(field => field.StartsWith("sig=", StringComparison.Ordinal))?[4..];
        return signature is not null && fields.Contains("type=master") && Convert.TryFromBase64String(signature, new byte[32], out _)
            ? Convert.FromBase64String(signature)
            : null;
    }
}
