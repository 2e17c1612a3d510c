using TodoFunctions.Domain;

namespace TodoFunctions.Domain.Tests;

public sealed class EvolveTests
{
    private static readonly Todo Live = new("walk the dog", Completed: false, Order: 3, IsDeleted: false);

    [Fact]
    public void TodoCreated_starts_a_live_todo_with_its_fields()
    {
        Assert.Equal(new Todo("x", true, 5, IsDeleted: false), Todo.Evolve(null, new TodoCreated("x", true, 5)));
    }

    [Fact]
    public void TodoTitleUpdated_replaces_only_the_title()
    {
        Assert.Equal(Live with { Title = "new" }, Todo.Evolve(Live, new TodoTitleUpdated("new")));
    }

    [Fact]
    public void TodoCompleted_and_TodoUncompleted_set_and_clear_completed()
    {
        var completed = Todo.Evolve(Live, new TodoCompleted());

        Assert.Equal(Live with { Completed = true }, completed);
        Assert.Equal(Live, Todo.Evolve(completed, new TodoUncompleted()));
    }

    [Fact]
    public void TodoOrderUpdated_sets_the_order_and_null_clears_it()
    {
        Assert.Equal(Live with { Order = 9 }, Todo.Evolve(Live, new TodoOrderUpdated(9)));
        Assert.Equal(Live with { Order = null }, Todo.Evolve(Live, new TodoOrderUpdated(null)));
    }

    [Fact]
    public void TodoDeleted_marks_the_todo_deleted_and_keeps_its_last_fields()
    {
        Assert.Equal(Live with { IsDeleted = true }, Todo.Evolve(Live, new TodoDeleted()));
    }

    [Fact]
    public void An_event_other_than_TodoCreated_cannot_start_a_stream()
    {
        Assert.Throws<InvalidOperationException>(() => Todo.Evolve(null, new TodoTitleUpdated("x")));
        Assert.Throws<InvalidOperationException>(() => Todo.Evolve(null, new TodoDeleted()));
    }

    [Fact]
    public void Folding_an_empty_stream_gives_no_todo()
    {
        Assert.Null(Todo.Fold([]));
    }

    [Fact]
    public void Folding_a_stream_applies_its_events_oldest_first()
    {
        var todo = Todo.Fold(
        [
            new TodoCreated("first", false, null),
            new TodoTitleUpdated("second"),
            new TodoCompleted(),
            new TodoOrderUpdated(2),
            new TodoUncompleted(),
            new TodoTitleUpdated("third"),
        ]);

        Assert.Equal(new Todo("third", Completed: false, Order: 2, IsDeleted: false), todo);
    }

    [Fact]
    public void Folding_a_stream_that_ends_in_TodoDeleted_gives_a_deleted_todo_that_rejects_every_command()
    {
        var todo = Todo.Fold([new TodoCreated("x", false, null), new TodoDeleted()]);

        Assert.True(todo!.IsDeleted);
        Assert.Equal(RejectionReason.Deleted, Todo.Decide(todo, new UpdateTodo(Completed: true)).Rejection);
        Assert.Equal(RejectionReason.Deleted, Todo.Decide(todo, new DeleteTodo()).Rejection);
    }

    [Fact]
    public void Deciding_then_evolving_reaches_the_state_the_command_asked_for()
    {
        var state = Todo.Fold(Todo.Decide(null, new CreateTodo("x", Order: 1)).Events);
        var update = new UpdateTodo(Title: "y", Completed: true, Order: new Optional<int?>(null));

        var updated = Todo.Decide(state, update).Events.Aggregate(state, Todo.Evolve);

        Assert.Equal(new Todo("y", Completed: true, Order: null, IsDeleted: false), updated);
        Assert.Empty(Todo.Decide(updated, update).Events);
    }
}
