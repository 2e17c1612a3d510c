namespace TodoFunctions.CosmosEmulator.Query;

/// <summary>A query the emulator cannot run: a syntax error or a construct outside the supported subset; answered as 400.</summary>
public sealed class CosmosSqlException(string message) : Exception(message)
{
    internal static CosmosSqlException Unsupported(string construct) => new($"Unsupported construct: {construct}");
}
