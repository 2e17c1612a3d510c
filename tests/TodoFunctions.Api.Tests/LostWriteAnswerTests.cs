using System.Net;
using TodoFunctions.Cosmos;
using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.Testing;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests;

/// <summary>A write whose database answer is lost, over HTTP with the emulator's fault plan: the client is told what happened, or that nobody knows.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class LostWriteAnswerTests(LocalHostFixture fixture) : IDisposable
{
    [EmbeddedEmulatorFact]
    public async Task A_post_whose_append_committed_but_whose_answer_was_lost_answers_201_and_stores_the_todo_once()
    {
        var stored = await fixture.CountStoredEventDocumentsAsync();
        Install(new FaultRule { Operations = [FaultOperation.Batch], Container = TodoStoreLayout.EventsContainer, Next = 1, Outcome = FaultOutcome.ServiceUnavailableAfterApply });

        using var response = await fixture.Client.PostAsync("todos", Json("""{"title":"walk the dog"}"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        fixture.Emulator!.Faults.Clear();
        Assert.Equal(stored + 2, await fixture.CountStoredEventDocumentsAsync());
    }

    [EmbeddedEmulatorFact]
    public async Task A_post_whose_lost_answer_cannot_be_read_back_answers_503_with_Retry_After_and_a_problem_naming_the_command_id()
    {
        var stored = await fixture.CountStoredEventDocumentsAsync();
        Install(
            new FaultRule { Operations = [FaultOperation.Batch], Container = TodoStoreLayout.EventsContainer, Next = 1, Outcome = FaultOutcome.TimeoutAfterApply },
            new FaultRule { Operations = [FaultOperation.Read], Container = TodoStoreLayout.EventsContainer, Outcome = FaultOutcome.ServiceUnavailable });

        using var response = await fixture.Client.PostAsync("todos", Json("""{"title":"walk the dog"}"""));

        var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
        var commandId = problem.GetProperty("commandId").GetString()!;
        Assert.Contains(commandId, problem.GetProperty("detail").GetString());
        Assert.Contains("unknown", problem.GetProperty("detail").GetString());
        fixture.Emulator!.Faults.Clear();
        Assert.InRange(await fixture.CountStoredEventDocumentsAsync() - stored, 0, 2);
    }

    public void Dispose() => fixture.Emulator?.Faults.Clear();

    private void Install(params FaultRule[] rules) => fixture.Emulator!.Faults.Install(new FaultPlan { Seed = 11, Rules = rules });
}
