namespace TodoFunctions.CosmosEmulator.Store;

/// <summary>The properties Cosmos DB owns on every resource; what a client sends for them is replaced.</summary>
internal static class SystemProperties
{
    public const string Rid = "_rid";
    public const string Self = "_self";
    public const string ETag = "_etag";
    public const string Timestamp = "_ts";
    public const string Attachments = "_attachments";
    public const string Lsn = "_lsn";

    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        Rid, Self, ETag, Timestamp, Attachments, Lsn,
    };

    public static string NewETag() => $"\"{Guid.NewGuid()}\"";
}
