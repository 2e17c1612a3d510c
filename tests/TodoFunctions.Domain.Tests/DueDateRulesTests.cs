using CsCheck;
using TodoFunctions.Domain;

namespace TodoFunctions.Domain.Tests;

/// <summary>A due date is set at creation or by an update, and every change of it is its own event.</summary>
public sealed class DueDateRulesTests
{
    private static readonly DateOnly Friday = new(2027, 1, 15);
    private static readonly Todo Open = new("walk the dog", Completed: false, Order: null, IsDeleted: false);

    [Fact]
    public void Creating_with_a_due_date_records_it_in_TodoCreated_and_the_state()
    {
        var decision = Todo.Decide(null, new CreateTodo("walk the dog", DueDate: Friday));

        Assert.Equal([new TodoCreated("walk the dog", false, null, Friday)], decision.Events);
        Assert.Equal(Friday, Todo.Fold(decision.Events)!.DueDate);
    }

    [Fact]
    public void Setting_a_due_date_emits_TodoDueDateChanged_with_it()
    {
        var decision = Todo.Decide(Open, new UpdateTodo(DueDate: Friday));

        Assert.Equal([new TodoDueDateChanged(Friday)], decision.Events);
    }

    [Fact]
    public void Clearing_a_due_date_emits_TodoDueDateChanged_with_null()
    {
        var decision = Todo.Decide(Open with { DueDate = Friday }, new UpdateTodo(DueDate: (DateOnly?)null));

        Assert.Equal([new TodoDueDateChanged(null)], decision.Events);
    }

    [Fact]
    public void Setting_the_due_date_it_already_has_or_leaving_it_unset_emits_nothing()
    {
        Assert.Empty(Todo.Decide(Open with { DueDate = Friday }, new UpdateTodo(DueDate: Friday)).Events);
        Assert.Empty(Todo.Decide(Open with { DueDate = Friday }, new UpdateTodo(Title: "walk the dog")).Events);
    }

    [Fact]
    public void TodoDueDateChanged_changes_only_the_due_date()
    {
        var state = Todo.Evolve(Open with { Completed = true, Order = 2 }, new TodoDueDateChanged(Friday));

        Assert.Equal(Open with { Completed = true, Order = 2, DueDate = Friday }, state);
    }

    [Fact]
    public void A_restored_todo_keeps_its_due_date()
    {
        var state = Todo.Fold([new TodoCreated("walk the dog", false, null, Friday), new TodoDeleted(), new TodoRestored()]);

        Assert.Equal(Friday, state!.DueDate);
    }

    private static readonly Gen<DateOnly?> DueDate = Gen.Frequency(
        (1, Gen.Const((DateOnly?)null)), (3, Gen.Int[0, 60].Select(days => (DateOnly?)Friday.AddDays(days))));

    private static readonly Gen<Todo> LiveTodo = Gen.Select(Gen.OneOf("a", "b"), Gen.Bool, Gen.Int[0, 3].Select(o => o == 0 ? null : (int?)o), DueDate,
        (title, completed, order, dueDate) => new Todo(title, completed, order, IsDeleted: false, DueDate: dueDate));

    private static Gen<Optional<T>> OptionalOf<T>(Gen<T> value) =>
        Gen.Frequency((1, Gen.Const(Optional<T>.Unset)), (2, value.Select(v => new Optional<T>(v))));

    private static readonly Gen<UpdateTodo> Update = Gen.Select(
        OptionalOf(Gen.OneOf("a", "b", "c")), OptionalOf(Gen.Bool), OptionalOf(Gen.Int[0, 3].Select(o => o == 0 ? null : (int?)o)), OptionalOf(DueDate),
        (title, completed, order, dueDate) => new UpdateTodo(title, completed, order, dueDate));

    [Fact]
    public void Deciding_the_same_update_again_after_applying_its_events_yields_nothing() =>
        Gen.Select(LiveTodo, Update).Sample((state, update) =>
        {
            var after = Todo.Decide(state, update).Events.Aggregate((Todo?)state, Todo.Evolve);

            return Todo.Decide(after, update).Events.Count == 0;
        });
}
