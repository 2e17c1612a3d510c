using System.Globalization;

namespace TodoFunctions.Cosmos;

/// <summary>
/// What a client holds to read its writes on any instance: the Cosmos DB session token of the read container and
/// read-model build it was issued for, written <c>container/build/token</c>. The token's LSNs mean something only in
/// that container, so a read on another one (after a rebuild's switch, or another deployment) ignores it.
/// </summary>
public sealed record ReadSession(string Container, int Build, string CosmosToken)
{
    public override string ToString() => $"{Container}/{Build}/{CosmosToken}";

    /// <summary>
    /// Parses a session exactly as <see cref="ToString"/> writes one; <c>null</c> for anything else. The Cosmos DB token
    /// must follow its grammar (<c>range:version#lsn[#region=lsn…]</c> or <c>range:lsn</c>, comma-separated per
    /// partition key range) with ASCII digits only and every number in range, so Cosmos DB never refuses what passes.
    /// </summary>
    public static ReadSession? Parse(string text)
    {
        var parts = text.Split('/');
        return parts is [var container, var build, var token]
            && container.Length is > 0 and <= 255 && container.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            && Number(build) is >= 0 and <= int.MaxValue
            && Ranges(token) is not null
            ? new(container, (int)Number(build)!.Value, token)
            : null;
    }

    /// <summary>The Cosmos DB token to read <paramref name="pointer"/>'s live container with; <c>null</c> when this session is of another one.</summary>
    internal string? TokenFor(ReadModelPointer pointer) =>
        pointer.LiveContainer == Container && pointer.LiveVersion == Build ? CosmosToken : null;

    /// <summary>
    /// This session with what <paramref name="earlier"/> covers too, when it is of the same container and build: per
    /// partition key range the token with the higher LSN, so one token covers every todo a client wrote.
    /// </summary>
    public ReadSession Covering(ReadSession? earlier)
    {
        if (earlier is null || earlier.Container != Container || earlier.Build != Build) return this;
        var merged = Ranges(earlier.CosmosToken)!.ToDictionary(range => range.Id);
        foreach (var range in Ranges(CosmosToken)!)
            if (!merged.TryGetValue(range.Id, out var other) || other.Lsn <= range.Lsn) merged[range.Id] = range;
        return this with { CosmosToken = string.Join(',', merged.Values.OrderBy(range => range.Id).Select(range => range.Text)) };
    }

    private sealed record RangeToken(int Id, long Lsn, string Text);

    private static List<RangeToken>? Ranges(string token)
    {
        var ranges = new List<RangeToken>();
        foreach (var segment in token.Split(','))
        {
            if (segment.Split(':') is not [var id, var progress] || Number(id) is not (>= 0 and <= int.MaxValue and var rangeId)) return null;
            var lsn = progress.Split('#') switch
            {
                [var single] => Number(single),
                [var version, var global, .. var regions] when (version == "-1" || Number(version) is not null) && regions.All(IsRegionLsn) => Number(global),
                _ => null,
            };
            if (lsn is null) return null;
            ranges.Add(new((int)rangeId, lsn.Value, segment));
        }
        return ranges;
    }

    private static bool IsRegionLsn(string region) =>
        region.Split('=') is [var id, var lsn] && Number(id) is >= 0 and <= int.MaxValue && Number(lsn) is not null;

    /// <summary>A non-negative 64-bit number written in ASCII digits only; <c>null</c> for anything else.</summary>
    private static long? Number(string text) =>
        text.Length is > 0 and <= 19 && text.All(char.IsAsciiDigit) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}
