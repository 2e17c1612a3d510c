namespace TodoFunctions.Api.Queues;

/// <summary>The Storage queues of the projection's operations, in the account of <c>AzureWebJobsStorage</c>.</summary>
public static class ProjectionQueues
{
    /// <summary>The app setting of the storage account the Functions host itself uses; its queue triggers read it too.</summary>
    public const string ConnectionSetting = "AzureWebJobsStorage";

    /// <summary>Rebuild requests, one message per accepted <c>POST /api/admin/projections/todos/rebuild</c>.</summary>
    public const string RebuildRequests = "todo-projection-rebuilds";

    /// <summary>Events the projector could not apply, one message per parked event: the operators' record of poison.</summary>
    public const string DeadLetters = "todo-projection-dead-letters";

    /// <summary>Where the Functions host moves a queue message whose function failed on every delivery: the queue's name plus this.</summary>
    public const string PoisonSuffix = "-poison";
}
