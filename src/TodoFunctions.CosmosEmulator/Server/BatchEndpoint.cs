using System.Net;
using TodoFunctions.CosmosEmulator.Batch;
using TodoFunctions.CosmosEmulator.Store;

namespace TodoFunctions.CosmosEmulator.Server;

/// <summary>
/// Transactional batches: up to 100 operations and 2 MiB on one partition key, applied all or none. Success is
/// 200; a failure is 207 with the failing operation's status and 424 for every other operation.
/// </summary>
internal sealed class BatchEndpoint
{
    public const int MaxOperations = 100;
    public const int MaxRequestBytes = 2 * 1024 * 1024;

    public async Task<GatewayResponse> ExecuteAsync(GatewayRequest request, ContainerStore container)
    {
        var partitionKey = request.PartitionKeyJson
            ?? throw GatewayException.BadRequest("A transactional batch needs a partition key.");
        using var body = await ReadLimitedAsync(request);
        var operations = await ReadOperationsAsync(body, request.Aborted);
        if (operations.Count > MaxOperations)
            throw GatewayException.BadRequest("Batch request has more operations than what is supported.");
        var outcomes = container.Execute(partitionKey, [.. operations.Select(ToDocumentOperation)]);
        var results = outcomes.Select(outcome => new BatchOperationResult(
            (int)outcome.StatusCode,
            outcome.SubStatusCode,
            outcome.Failed ? null : outcome.Document?.Value<string>(SystemProperties.ETag),
            outcome.Failed || outcome.StatusCode == HttpStatusCode.NotModified ? null : outcome.Document,
            outcome.RequestCharge)).ToList();
        var status = outcomes.Any(outcome => outcome.Failed) ? HttpStatusCode.MultiStatus : HttpStatusCode.OK;
        return new GatewayResponse(status, outcomes.Sum(outcome => outcome.RequestCharge)) { Binary = HybridRowBatchCodec.WriteResponse(results) };
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
