using TodoFunctions.Domain;

namespace TodoFunctions.Domain.Tests;

/// <summary>The trash: a deleted todo can be restored as it was, or purged for good; a purged one never comes back.</summary>
public sealed class TrashRulesTests
{
    private static readonly Todo Live = new("call the bank", Completed: true, Order: 4, IsDeleted: false);
    private static readonly Todo Trashed = Live with { IsDeleted = true };
    private static readonly Todo Purged = Todo.Evolve(Trashed, new TodoPurged())!;

    [Fact]
    public void Restoring_a_deleted_todo_emits_TodoRestored_and_brings_back_every_field()
    {
        var decision = Todo.Decide(Trashed, new RestoreTodo());

        Assert.Equal([new TodoRestored()], decision.Events);
        Assert.Equal(Live, Todo.Evolve(Trashed, decision.Events[0]));
    }

    [Fact]
    public void Restoring_a_live_todo_is_rejected_as_not_deleted()
    {
        var decision = Todo.Decide(Live, new RestoreTodo());

        Assert.Equal(RejectionReason.NotDeleted, decision.Rejection);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void Restoring_or_purging_an_unknown_todo_is_rejected_as_not_found()
    {
        Assert.Equal(RejectionReason.NotFound, Todo.Decide(null, new RestoreTodo()).Rejection);
        Assert.Equal(RejectionReason.NotFound, Todo.Decide(null, new PurgeTodo()).Rejection);
    }

    [Fact]
    public void Purging_a_deleted_todo_emits_TodoPurged_which_forgets_the_title_and_keeps_it_deleted()
    {
        var decision = Todo.Decide(Trashed, new PurgeTodo());

        Assert.Equal([new TodoPurged()], decision.Events);
        Assert.Equal(Trashed with { Title = Todo.PurgedTitle, IsPurged = true }, Todo.Evolve(Trashed, decision.Events[0]));
    }

    [Fact]
    public void Purging_a_live_todo_is_rejected_as_not_deleted()
    {
        var decision = Todo.Decide(Live, new PurgeTodo());

        Assert.Equal(RejectionReason.NotDeleted, decision.Rejection);
        Assert.Empty(decision.Events);
    }

    [Theory]
    [MemberData(nameof(EveryCommandButCreate))]
    public void A_purged_todo_refuses_every_command_as_purged(TodoCommand command)
    {
        var decision = Todo.Decide(Purged, command);

        Assert.Equal(RejectionReason.Purged, decision.Rejection);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void Creating_over_a_purged_todo_is_still_a_conflict_because_its_id_stays_taken()
    {
        Assert.Equal(RejectionReason.AlreadyExists, Todo.Decide(Purged, new CreateTodo("again")).Rejection);
    }

    [Fact]
    public void A_deleted_todo_refuses_updates_until_it_is_restored()
    {
        Assert.Equal(RejectionReason.Deleted, Todo.Decide(Trashed, new UpdateTodo(Title: "new")).Rejection);
        var restored = Todo.Evolve(Trashed, new TodoRestored());
        Assert.Equal([new TodoTitleUpdated("new")], Todo.Decide(restored, new UpdateTodo(Title: "new")).Events);
    }

    [Fact]
    public void A_restored_todo_can_be_deleted_and_restored_again()
    {
        var history = Todo.Fold([new TodoCreated("x", false, null), new TodoDeleted(), new TodoRestored(), new TodoDeleted(), new TodoRestored()]);

        Assert.Equal(new Todo("x", false, null, IsDeleted: false), history);
    }

    public static TheoryData<TodoCommand> EveryCommandButCreate() =>
        [new RestoreTodo(), new PurgeTodo(), new DeleteTodo(), new UpdateTodo(Completed: false)];
}
