namespace TodoFunctions.Cosmos;

/// <summary>
/// A range of <see cref="ListPosition"/>s that one listing walks: the live list, or the trash above it. Both are the
/// same keyset query over the same index, so the trash pages at the list's flat cost; they differ only in their
/// bounds and in which positions a cursor may name.
/// </summary>
internal sealed record ListRange(string After, string Before, Func<string, bool> Holds)
{
    /// <summary>Live todos: below every tombstone.</summary>
    public static readonly ListRange Live = new("", ListPosition.AfterLive, ListPosition.IsLive);

    /// <summary>Deleted, not purged todos, newest deletion first: above the bare tombstones, which sort at <see cref="ListPosition.AfterLive"/>.</summary>
    public static readonly ListRange Trash = new(ListPosition.TrashPrefix, ListPosition.AfterTrash, ListPosition.IsInTrash);
}
