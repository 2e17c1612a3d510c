using System.Net;

namespace TodoFunctions.CosmosEmulator.Server;

/// <summary>
/// Reads the progress a client claims in <c>x-ms-session-token</c>: a comma-separated list of
/// <c>rangeId:-1#lsn</c> (or the older <c>rangeId:lsn</c>, or a vector <c>rangeId:version#lsn#region=lsn…</c>).
/// The LSN is container-wide, so the client has seen everything up to the highest one listed.
/// </summary>
internal static class SessionTokens
{
    /// <summary>The highest LSN in the token; 0 when there is none.</summary>
    public static long Progress(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
            return 0;
        return header.Split(',').Max(segment => Lsn(segment.Trim()) ?? throw Invalid(header));
    }

    private static long? Lsn(string segment)
    {
        var token = segment[(segment.IndexOf(':') + 1)..];
        var parts = token.Split('#');
        var lsnText = parts.Length == 1 ? parts[0] : parts[1];
        return long.TryParse(lsnText, out var lsn) && lsn >= -1 && (parts.Length == 1 || long.TryParse(parts[0], out _)) ? lsn : null;
    }

    private static GatewayException Invalid(string header) =>
        new(HttpStatusCode.BadRequest, $"The session token provided '{header}' is invalid.");
}
