using System.Text.Json;
using TodoFunctions.Cosmos;

namespace TodoFunctions.Api;

/// <summary>
/// The statistics projection's entry point, a second Cosmos DB trigger function on the events container beside
/// <see cref="ProjectTodos"/>, with its own lease prefix (<see cref="TodoStoreOptions.StatisticsProcessorName"/>), so
/// each projection reads the change feed at its own pace. Hosted the same way as <see cref="ProjectTodos"/> until the
/// trigger extension is available; then it gets <c>[Function(nameof(ProjectTodoStatistics))]</c> and a
/// <c>[CosmosDBTrigger(…, LeaseContainerPrefix = "todo-statistics")]</c> parameter like it.
/// </summary>
public sealed class ProjectTodoStatistics(TodoStatisticsProjector projector)
{
    public Task Run(IReadOnlyList<JsonElement> events, CancellationToken cancellationToken) =>
        projector.ProjectAsync(events, cancellationToken);
}
