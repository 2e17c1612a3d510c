namespace TodoFunctions.Cosmos.Tests;

/// <summary>A trashed todo's list position: after every live todo, newest deletion first, never mistaken for a live one.</summary>
public sealed class TrashPositionTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Trash_positions_sort_by_deletion_time_newest_first_then_id_and_above_every_live_position_and_bare_tombstone()
    {
        var random = new Random(11);
        var trashed = Enumerable.Range(0, 1_000)
            .Select(_ => (Id: Guid.NewGuid(), DeletedAt: Start.AddTicks(random.Next(3)).AddDays(random.Next(400)).ToOffset(TimeSpan.FromHours(random.Next(-5, 6)))))
            .ToList();

        var byPosition = trashed.OrderBy(todo => ListPosition.ForDeleted(todo.Id, todo.DeletedAt, purged: false), StringComparer.Ordinal);
        var newestFirst = trashed.OrderByDescending(todo => todo.DeletedAt).ThenBy(todo => todo.Id.ToString(), StringComparer.Ordinal);

        Assert.Equal(newestFirst, byPosition);
        Assert.All(trashed, todo =>
        {
            var position = ListPosition.ForDeleted(todo.Id, todo.DeletedAt, purged: false);
            Assert.True(string.CompareOrdinal(position, ListPosition.AfterLive) > 0);
            Assert.True(string.CompareOrdinal(position, ListPosition.AfterTrash) < 0);
            Assert.True(ListPosition.IsInTrash(position));
            Assert.False(ListPosition.IsLive(position));
        });
    }

    [Fact]
    public void A_purged_todo_or_one_deleted_at_an_unknown_time_is_a_bare_tombstone_outside_the_trash()
    {
        var id = Guid.NewGuid();

        Assert.Equal(ListPosition.AfterLive, ListPosition.ForDeleted(id, Start, purged: true));
        Assert.Equal(ListPosition.AfterLive, ListPosition.ForDeleted(id, null, purged: false));
        Assert.False(ListPosition.IsInTrash(ListPosition.AfterLive));
    }

    [Fact]
    public void A_live_position_is_not_a_trash_position()
    {
        var live = ListPosition.For(Guid.NewGuid(), 3, Start);

        Assert.True(ListPosition.IsLive(live));
        Assert.False(ListPosition.IsInTrash(live));
    }
}
