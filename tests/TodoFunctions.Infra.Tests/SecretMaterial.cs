using System.Text.RegularExpressions;

namespace TodoFunctions.Infra.Tests;

/// <summary>Recognises text that would carry a key, a password or a secret-bearing connection string.</summary>
public static partial class SecretMaterial
{
    public static bool IsIn(string text) => SecretPattern().IsMatch(text);

    // Storage and Service Bus connection strings, Cosmos keys, SAS tokens, and the ARM list*() functions that read keys.
    [GeneratedRegex(@"AccountKey|SharedAccessKey|SharedAccessSignature|MasterKey|password|secret|\blist\w*\(", RegexOptions.IgnoreCase)]
    private static partial Regex SecretPattern();
}
