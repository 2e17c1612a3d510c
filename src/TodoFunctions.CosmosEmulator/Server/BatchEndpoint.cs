using System.Net;
using TodoFunctions.CosmosEmulator.Batch;
using TodoFunctions.CosmosEmulator.Cost;
using TodoFunctions.CosmosEmulator.Partitions;
using TodoFunctions.CosmosEmulator.Store;

namespace TodoFunctions.CosmosEmulator.Server;

/// <summary>
/// Batches of up to 100 operations and 2 MiB. A transactional batch is on one partition key and applied all or none:
/// 200, or 207 with the failing operation's status and 424 for every other operation. A bulk (non-atomic) batch
/// carries operations of any partition keys in one partition key range, each applied or failed on its own: 200
/// when all succeeded, else 207 with each operation's own status.
/// </summary>
internal sealed class BatchEndpoint
{
    public const int MaxOperations = 100;
    public const int MaxRequestBytes = 2 * 1024 * 1024;

    public async Task<GatewayResponse> ExecuteAsync(GatewayRequest request, ContainerStore container)
    {
        var atomic = !bool.TryParse(request.Header(CosmosHeaders.IsBatchAtomic), out var isAtomic) || isAtomic;
        var partitionKey = request.PartitionKeyJson;
        if (atomic && partitionKey is null)
            throw GatewayException.BadRequest("A transactional batch needs a partition key.");
        if (!atomic && !request.Flag(CosmosHeaders.BatchContinueOnError))
            throw GatewayException.BadRequest("A non-atomic batch must continue on error (x-ms-cosmos-batch-continue-on-error: True), as bulk mode sends it.");
        var range = atomic ? null : RangeRouting.AddressedRange(request, container);
        using var body = await ReadLimitedAsync(request);
        var operations = await ReadOperationsAsync(body, request.Aborted);
        if (operations.Count > MaxOperations)
            throw GatewayException.BadRequest("Batch request has more operations than what is supported.");
        var outcomes = atomic
            ? container.Execute(partitionKey!, [.. operations.Select(ToDocumentOperation)])
            : ExecuteEach(container, range, partitionKey, operations);
        var results = outcomes.Select(outcome => new BatchOperationResult(
            (int)outcome.StatusCode,
            outcome.SubStatusCode,
            outcome.Failed ? null : outcome.Document?.Value<string>(SystemProperties.ETag),
            outcome.Failed || outcome.StatusCode == HttpStatusCode.NotModified ? null : outcome.Document,
            outcome.RequestCharge)).ToList();
        var status = outcomes.Any(outcome => outcome.Failed) ? HttpStatusCode.MultiStatus : HttpStatusCode.OK;
        return new GatewayResponse(status, outcomes.Sum(outcome => outcome.RequestCharge)) { Binary = HybridRowBatchCodec.WriteResponse(results) };
    }

    // Each operation goes to its own partition key, which must lie in the range the request was routed to: one that
    // does not answers 410/1002, after which the SDK refreshes its routing map and sends that operation again.
    private static IReadOnlyList<DocumentOutcome> ExecuteEach(
        ContainerStore container, PartitionKeyRange? range, string? requestPartitionKey, IReadOnlyList<BatchOperation> operations)
    {
        var outcomes = new DocumentOutcome[operations.Count];
        var routed = new List<(int Index, string PartitionKeyJson, DocumentOperation Operation)>(operations.Count);
        for (var index = 0; index < operations.Count; index++)
        {
            try
            {
                var partitionKey = operations[index].PartitionKeyJson is { } own ? PartitionKeyPath.FromHeader(own) : requestPartitionKey
                    ?? throw GatewayException.BadRequest("A bulk operation needs its partition key.");
                if (range is not null && !range.Contains(container.Partitions.EffectiveKeyOf(partitionKey)))
                    throw new GatewayException(HttpStatusCode.Gone, $"The partition key {partitionKey} is not in partition key range '{range.Id}'.", RangeRouting.PartitionKeyRangeGone);
                routed.Add((index, partitionKey, ToDocumentOperation(operations[index])));
            }
            catch (GatewayException refused)
            {
                outcomes[index] = new DocumentOutcome(refused.StatusCode, null, RequestCharges.Refused, refused.Message, refused.SubStatusCode);
            }
        }
        var applied = container.ExecuteEach([.. routed.Select(each => (each.PartitionKeyJson, each.Operation))]);
        for (var position = 0; position < routed.Count; position++)
            outcomes[routed[position].Index] = applied[position];
        return outcomes;
    }

    private static async Task<MemoryStream> ReadLimitedAsync(GatewayRequest request)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Context.Request.Body.ReadAsync(chunk, request.Aborted)) > 0)
        {
            if (buffer.Length + read > MaxRequestBytes)
                throw new GatewayException(HttpStatusCode.RequestEntityTooLarge, "Request size is too large");
            buffer.Write(chunk, 0, read);
        }
        buffer.Position = 0;
        return buffer;
    }

    private static async Task<IReadOnlyList<BatchOperation>> ReadOperationsAsync(Stream body, CancellationToken cancellationToken)
    {
        try
        {
            return await HybridRowBatchCodec.ReadRequestAsync(body, cancellationToken);
        }
        catch (InvalidDataException unreadable)
        {
            throw GatewayException.BadRequest(unreadable.Message);
        }
    }

    private static DocumentOperation ToDocumentOperation(BatchOperation operation) => new(
        operation.Kind switch
        {
            BatchOperationKind.Create => DocumentOperationKind.Create,
            BatchOperationKind.Read => DocumentOperationKind.Read,
            BatchOperationKind.Replace => DocumentOperationKind.Replace,
            BatchOperationKind.Upsert => DocumentOperationKind.Upsert,
            BatchOperationKind.Delete => DocumentOperationKind.Delete,
            BatchOperationKind.Patch => DocumentOperationKind.Patch,
            _ => throw GatewayException.BadRequest($"The batch operation {operation.Kind} is not supported."),
        },
        operation.Id,
        operation.Resource,
        operation.PatchOperations,
        operation.PatchCondition,
        IfMatch: operation.IfMatch,
        IfNoneMatch: operation.IfNoneMatch);
}
