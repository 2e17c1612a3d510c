using TodoFunctions.Domain;

namespace TodoFunctions.Domain.Tests;

public sealed class DecideCreateTests
{
    [Fact]
    public void Creating_a_todo_in_an_unwritten_stream_emits_TodoCreated_with_every_field()
    {
        var decision = Todo.Decide(null, new CreateTodo("walk the dog", Completed: true, Order: 3));

        Assert.False(decision.IsRejected);
        Assert.Equal([new TodoCreated("walk the dog", true, 3)], decision.Events);
    }

    [Fact]
    public void Creating_a_todo_without_completed_or_order_leaves_it_open_and_unordered()
    {
        var decision = Todo.Decide(null, new CreateTodo("x"));

        Assert.Equal([new TodoCreated("x", false, null)], decision.Events);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    public void Creating_a_todo_with_a_missing_or_blank_title_is_rejected_as_invalid_title(string? title)
    {
        var decision = Todo.Decide(null, new CreateTodo(title!));

        Assert.Equal(RejectionReason.InvalidTitle, decision.Rejection);
        Assert.False(string.IsNullOrWhiteSpace(decision.Detail));
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void Creating_a_todo_with_a_title_of_exactly_the_maximum_length_is_accepted()
    {
        var title = new string('a', Todo.MaxTitleLength);

        var decision = Todo.Decide(null, new CreateTodo(title));

        Assert.Equal([new TodoCreated(title, false, null)], decision.Events);
    }

    [Fact]
    public void Creating_a_todo_with_a_title_one_character_too_long_is_rejected_as_invalid_title()
    {
        var decision = Todo.Decide(null, new CreateTodo(new string('a', Todo.MaxTitleLength + 1)));

        Assert.Equal(RejectionReason.InvalidTitle, decision.Rejection);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void Creating_a_todo_in_a_stream_that_already_exists_is_rejected_as_already_exists()
    {
        var decision = Todo.Decide(new Todo("existing", false, null, IsDeleted: false), new CreateTodo("again"));

        Assert.Equal(RejectionReason.AlreadyExists, decision.Rejection);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void Creating_a_todo_in_the_stream_of_a_deleted_todo_is_rejected_as_already_exists()
    {
        var decision = Todo.Decide(new Todo("gone", false, null, IsDeleted: true), new CreateTodo("again"));

        Assert.Equal(RejectionReason.AlreadyExists, decision.Rejection);
        Assert.Empty(decision.Events);
    }
}
