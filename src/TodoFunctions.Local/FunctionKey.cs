using System.Security.Cryptography;
using System.Text;

namespace TodoFunctions.Local;

/// <summary>
/// The local stand-in for the Functions host's function keys: one key, from <see cref="Setting"/> or generated at
/// start-up, that every function with <c>AuthorizationLevel.Function</c> (or <c>Admin</c>) requires, sent as Azure
/// takes it: the <c>x-functions-key</c> header or the <c>code</c> query parameter.
/// </summary>
public sealed class FunctionKey(string value)
{
    public const string Setting = "LocalHost:FunctionKey";
    public const string Header = "x-functions-key";
    public const string QueryParameter = "code";

    private readonly byte[] expected = Encoding.UTF8.GetBytes(value);

    public string Value => value;

    /// <summary>Whether <see cref="Value"/> was made up at start-up because configuration set none, so the console should show it.</summary>
    public bool IsGenerated { get; private init; }

    public static FunctionKey FromConfiguration(IConfiguration configuration) =>
        configuration[Setting] is { Length: > 0 } configured
            ? new FunctionKey(configured)
            : new FunctionKey(Base64Url(RandomNumberGenerator.GetBytes(32))) { IsGenerated = true };

    public bool IsPresentIn(HttpRequest request)
    {
        var given = request.Headers[Header].ToString() is { Length: > 0 } header ? header : request.Query[QueryParameter].ToString();
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), expected);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
