using TodoFunctions.Domain;

namespace TodoFunctions.Domain.Tests;

public sealed class DecideDeleteTests
{
    [Fact]
    public void Deleting_a_live_todo_emits_TodoDeleted()
    {
        var decision = Todo.Decide(new Todo("x", Completed: true, Order: 1, IsDeleted: false), new DeleteTodo());

        Assert.Equal([new TodoDeleted()], decision.Events);
    }

    [Fact]
    public void Deleting_an_unknown_todo_is_rejected_as_not_found()
    {
        var decision = Todo.Decide(null, new DeleteTodo());

        Assert.Equal(RejectionReason.NotFound, decision.Rejection);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void Deleting_a_deleted_todo_again_is_rejected_as_deleted()
    {
        var decision = Todo.Decide(new Todo("x", false, null, IsDeleted: true), new DeleteTodo());

        Assert.Equal(RejectionReason.Deleted, decision.Rejection);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void A_rejection_carries_no_events_and_an_accepted_decision_carries_no_reason()
    {
        var accepted = Decision.Accept(new TodoDeleted());
        var rejected = Decision.Reject(RejectionReason.NotFound, "gone");

        Assert.Null(accepted.Rejection);
        Assert.Null(accepted.Detail);
        Assert.True(rejected.IsRejected);
        Assert.Empty(rejected.Events);
        Assert.Equal("gone", rejected.Detail);
    }
}
