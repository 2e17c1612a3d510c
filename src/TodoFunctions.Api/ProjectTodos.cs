using System.Text.Json;
using TodoFunctions.Cosmos;

namespace TodoFunctions.Api;

/// <summary>
/// The projector's entry point, shaped like a Cosmos DB trigger function: a batch of raw documents from the events
/// container's change feed in, nothing out. Raw, so that one document whose envelope does not deserialize parks its
/// own todo instead of failing the whole batch before any code of ours runs. The Functions Cosmos DB extension is not available to this build, so the
/// Cosmos SDK's change feed processor (the engine that trigger runs on) is hosted in the worker and hands it the
/// batches (see <see cref="TodoAppServiceCollectionExtensions.AddTodoApp"/>). Where
/// <c>Microsoft.Azure.Functions.Worker.Extensions.CosmosDB</c> is available, make this the trigger itself: put
/// <c>[Function(nameof(ProjectTodos))]</c> on <see cref="Run"/> and
/// <c>[CosmosDBTrigger(databaseName: "todos", containerName: "events", Connection = "CosmosDb", LeaseContainerName = "leases", CreateLeaseContainerIfNotExists = false, StartFromBeginning = true)]</c>
/// on its <c>events</c> parameter, typed <c>IReadOnlyList&lt;JsonElement&gt;</c> (never <c>IReadOnlyList&lt;EventDocument&gt;</c>:
/// the worker would fail the batch on one malformed document), and drop <c>AddChangeFeedProjection</c>; the trigger's new leases replay the log,
/// which the idempotent projector takes in its stride. Until then the hosted processor needs a worker that is always
/// running: on Flex Consumption, one always-ready instance.
/// </summary>
public sealed class ProjectTodos(TodoProjector projector)
{
    public Task Run(IReadOnlyList<JsonElement> events, CancellationToken cancellationToken) =>
        projector.ProjectAsync(events, cancellationToken);
}
