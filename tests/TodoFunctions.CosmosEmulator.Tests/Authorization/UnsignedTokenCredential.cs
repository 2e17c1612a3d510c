using System.Text;
using Azure.Core;

namespace TodoFunctions.CosmosEmulator.Tests.Authorization;

/// <summary>A stand-in for a Microsoft Entra ID credential: hands out a JWT that nobody signed. Real credentials
/// (Azure.Identity) would probe the instance metadata address, which these tests must never reach.</summary>
internal sealed class UnsignedTokenCredential(string token) : TokenCredential
{
    public static UnsignedTokenCredential ForIdentity(string objectId) => new(string.Join('.',
        Base64Url("""{"alg":"none","typ":"JWT"}"""),
        Base64Url($$"""{"aud":"https://cosmos.azure.com","oid":"{{objectId}}","exp":{{DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()}}}"""),
        "unsigned"));

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(token, DateTimeOffset.UtcNow.AddHours(1));

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));

    private static string Base64Url(string json) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
