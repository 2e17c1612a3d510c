using System.Globalization;
using System.Net;
using System.Text;
using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Server;

/// <summary>
/// Who may make a request, as the service decides it: a master-key signature dated within 15 minutes of the
/// emulator's clock, or a Microsoft Entra ID token. A token cannot be verified here (no tenant, no signing keys),
/// so any well-formed JWT is accepted; with data-plane roles enforced, its identity holds only the
/// "Cosmos DB Built-in Data Contributor" role, which creates, replaces and deletes no database or container.
/// </summary>
internal sealed class GatewayAuthorization(string accountKey, TimeProvider clock, bool enforceDataPlaneRoles)
{
    // Sub-status the service gives an operation that no data-plane role can grant.
    private const int RbacOperationNotSupported = 5300;
    private static readonly TimeSpan AllowedClockSkew = TimeSpan.FromMinutes(15);
    private readonly MasterKeyAuthorization masterKey = new(accountKey);

    public void Verify(GatewayRequest request)
    {
        var authorization = request.Header(CosmosHeaders.Authorization);
        var fields = authorization is null ? [] : Uri.UnescapeDataString(authorization).Split('&');
        if (!fields.Contains("type=aad"))
        {
            VerifyDate(request.Header(CosmosHeaders.Date) is { Length: > 0 } xDate ? xDate : request.Header("Date"));
            masterKey.Verify(request.Method, request.Segments, authorization, request.Header(CosmosHeaders.Date), request.Header("Date"));
            return;
        }
        var token = fields.FirstOrDefault(field => field.StartsWith("sig=", StringComparison.Ordinal))?[4..];
        if (!IsWellFormedJwt(token))
            throw new GatewayException(HttpStatusCode.Unauthorized, "The Microsoft Entra ID token in the authorization header is not a well-formed JWT.");
        if (enforceDataPlaneRoles && ChangesDatabaseOrContainer(request))
            throw new GatewayException(HttpStatusCode.Forbidden,
                $"Request blocked by Auth localhost : The given request [{request.Method} {request.Context.Request.Path.Value}] cannot be authorized by AAD token in data plane. Learn more: https://aka.ms/cosmos-native-rbac.",
                RbacOperationNotSupported);
    }

    // The date is part of what a master key signs; the service refuses a signature dated too far from its own clock.
    private void VerifyDate(string? date)
    {
        if (string.IsNullOrEmpty(date))
            return;
        if (!DateTimeOffset.TryParse(date, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var signedAt))
            throw new GatewayException(HttpStatusCode.Unauthorized, "The input date header is invalid format. Please pass in RFC 1123 style date format.");
        var now = clock.GetUtcNow();
        if ((now - signedAt).Duration() > AllowedClockSkew)
            throw new GatewayException(HttpStatusCode.Forbidden,
                "The authorization token is not valid at the current time. Please create another token and retry " +
                $"(token start time: {signedAt:r}, token expiry time: {signedAt + AllowedClockSkew:r}, current server time: {now:r}).");
    }

    // Three dot-separated base64url parts; the header and the claims must be JSON objects. The signature is not checked.
    private static bool IsWellFormedJwt(string? token)
    {
        var parts = token?.Split('.');
        return parts is { Length: 3 } && parts[2].Length > 0 && IsJsonObject(parts[0]) && IsJsonObject(parts[1]);
    }

    private static bool IsJsonObject(string base64Url)
    {
        var base64 = base64Url.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
        var bytes = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64, bytes, out var length))
            return false;
        try
        {
            return JToken.Parse(Encoding.UTF8.GetString(bytes, 0, length)) is JObject;
        }
        catch (Newtonsoft.Json.JsonException)
        {
            return false;
        }
    }

    // Creating, replacing or deleting a database or container is a control-plane operation in Azure.
    private static bool ChangesDatabaseOrContainer(GatewayRequest request) => (request.Method, request.Segments.Length) switch
    {
        ("POST", 1 or 3) => !request.IsQuery,
        ("DELETE", 2 or 4) => true,
        ("PUT", 4) => true,
        _ => false,
    } && request.Segments[0] == "dbs" && (request.Segments.Length < 3 || request.Segments[2] == "colls");
}
