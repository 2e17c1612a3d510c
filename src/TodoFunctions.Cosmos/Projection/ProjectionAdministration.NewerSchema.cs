using Microsoft.Azure.Cosmos;

namespace TodoFunctions.Cosmos;

/// <summary>Resuming the todos an older release parked at a newer release's event, once a release that reads it runs.</summary>
public sealed partial class ProjectionAdministration
{
    /// <summary>
    /// Retries, as an operator's retry would, every todo parked in the live read model at an event of a newer schema
    /// that this release reads: such a park needs no fix, only a reader, and its todo may never be written again.
    /// Returns the todos that resumed.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> ResumeNewerSchemaParksAsync(CancellationToken cancellationToken)
    {
        var live = pointers.Container((await pointers.CurrentAsync(cancellationToken)).LiveContainer);
        var parked = await live.QueryAllAsync<ParkedDocument>(
            new QueryDefinition("SELECT c.id, c.kind, c.parked FROM c WHERE IS_NUMBER(c.parked.newerSchemaVersion)"), null, cancellationToken);
        var resumed = new List<Guid>();
        foreach (var todoId in parked.Where(document => writers[0].ReadsAwaitedSchema(document.Parked)).Select(document => document.ToParkedTodo().TodoId).Distinct())
            if (await RetryParkedAsync(todoId, cancellationToken) is RetryParkedOutcome.Resumed) resumed.Add(todoId);
        return resumed;
    }
}
