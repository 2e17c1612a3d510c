using TodoFunctions.Domain;

namespace TodoFunctions.Domain.Tests;

public sealed class DecideUpdateTests
{
    private static readonly Todo OpenOrdered = new("walk the dog", Completed: false, Order: 3, IsDeleted: false);

    [Fact]
    public void Updating_only_the_title_to_a_new_value_emits_only_TodoTitleUpdated()
    {
        var decision = Todo.Decide(OpenOrdered, new UpdateTodo(Title: "feed the cat"));

        Assert.Equal([new TodoTitleUpdated("feed the cat")], decision.Events);
    }

    [Fact]
    public void Completing_an_open_todo_emits_TodoCompleted()
    {
        var decision = Todo.Decide(OpenOrdered, new UpdateTodo(Completed: true));

        Assert.Equal([new TodoCompleted()], decision.Events);
    }

    [Fact]
    public void Reopening_a_completed_todo_emits_TodoUncompleted()
    {
        var decision = Todo.Decide(OpenOrdered with { Completed = true }, new UpdateTodo(Completed: false));

        Assert.Equal([new TodoUncompleted()], decision.Events);
    }

    [Fact]
    public void Setting_an_order_on_an_unordered_todo_emits_TodoOrderUpdated_with_it()
    {
        var decision = Todo.Decide(OpenOrdered with { Order = null }, new UpdateTodo(Order: 7));

        Assert.Equal([new TodoOrderUpdated(7)], decision.Events);
    }

    [Fact]
    public void Changing_the_order_emits_TodoOrderUpdated_with_the_new_order()
    {
        var decision = Todo.Decide(OpenOrdered, new UpdateTodo(Order: -1));

        Assert.Equal([new TodoOrderUpdated(-1)], decision.Events);
    }

    [Fact]
    public void Clearing_the_order_with_null_emits_TodoOrderUpdated_with_null()
    {
        var decision = Todo.Decide(OpenOrdered, new UpdateTodo(Order: new Optional<int?>(null)));

        Assert.Equal([new TodoOrderUpdated(null)], decision.Events);
    }

    [Fact]
    public void Clearing_the_order_of_an_unordered_todo_emits_nothing()
    {
        var decision = Todo.Decide(OpenOrdered with { Order = null }, new UpdateTodo(Order: new Optional<int?>(null)));

        Assert.False(decision.IsRejected);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void Changing_all_three_fields_emits_one_event_per_field_title_first_then_completed_then_order()
    {
        var decision = Todo.Decide(OpenOrdered, new UpdateTodo(Title: "new", Completed: true, Order: 4));

        Assert.Equal([new TodoTitleUpdated("new"), new TodoCompleted(), new TodoOrderUpdated(4)], decision.Events);
    }

    [Fact]
    public void Only_the_fields_that_really_change_emit_events()
    {
        var decision = Todo.Decide(OpenOrdered, new UpdateTodo(Title: "walk the dog", Completed: true, Order: 3));

        Assert.Equal([new TodoCompleted()], decision.Events);
    }

    [Fact]
    public void Setting_every_field_to_its_current_value_emits_nothing_and_is_not_rejected()
    {
        var decision = Todo.Decide(OpenOrdered, new UpdateTodo(Title: "walk the dog", Completed: false, Order: 3));

        Assert.False(decision.IsRejected);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void An_update_that_sets_no_field_emits_nothing()
    {
        var decision = Todo.Decide(OpenOrdered, new UpdateTodo());

        Assert.False(decision.IsRejected);
        Assert.Empty(decision.Events);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Updating_to_a_blank_title_is_rejected_and_emits_nothing_even_when_other_fields_change(string title)
    {
        var decision = Todo.Decide(OpenOrdered, new UpdateTodo(Title: title, Completed: true));

        Assert.Equal(RejectionReason.InvalidTitle, decision.Rejection);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void Updating_to_a_null_title_is_rejected_as_invalid_title()
    {
        var decision = Todo.Decide(OpenOrdered, new UpdateTodo(Title: new Optional<string>(null!)));

        Assert.Equal(RejectionReason.InvalidTitle, decision.Rejection);
    }

    [Fact]
    public void Updating_to_a_title_longer_than_the_maximum_is_rejected_as_invalid_title()
    {
        var decision = Todo.Decide(OpenOrdered, new UpdateTodo(Title: new string('x', Todo.MaxTitleLength + 1)));

        Assert.Equal(RejectionReason.InvalidTitle, decision.Rejection);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void Updating_an_unknown_todo_is_rejected_as_not_found()
    {
        var decision = Todo.Decide(null, new UpdateTodo(Title: "x"));

        Assert.Equal(RejectionReason.NotFound, decision.Rejection);
        Assert.False(string.IsNullOrWhiteSpace(decision.Detail));
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void Updating_a_deleted_todo_is_rejected_as_deleted_even_when_nothing_would_change()
    {
        var decision = Todo.Decide(OpenOrdered with { IsDeleted = true }, new UpdateTodo());

        Assert.Equal(RejectionReason.Deleted, decision.Rejection);
        Assert.Empty(decision.Events);
    }
}
