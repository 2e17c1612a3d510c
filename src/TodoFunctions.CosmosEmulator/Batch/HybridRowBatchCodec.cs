// The transactional batch exchange as Microsoft.Azure.Cosmos 3.64.0 performs it in Gateway mode (observed, not guessed):
//
// Request: POST /dbs/{db}/colls/{coll}/docs with
//   x-ms-cosmos-is-batch-request: True     marks a batch (plain creates/upserts never send it)
//   x-ms-cosmos-batch-atomic: True         all or nothing
//   x-ms-cosmos-batch-ordered: True        operations apply in body order
//   x-ms-documentdb-partitionkey: ["pk"]   the one logical partition of every operation (operations carry none)
//   no Content-Type; the usual authorization, x-ms-date, x-ms-version, x-ms-activity-id and session headers.
//   Body: a HybridRow RecordIO stream (one segment, then one BatchOperation row per operation) read by ReadRequestAsync.
//
// Response the SDK understands:
//   200 when every operation succeeded; 207 Multi-Status when the batch was rolled back, where the failing operation
//   carries its own status (404, 409, 412, ...) and every other operation 424 Failed Dependency. The SDK reports the
//   first non-424 status as TransactionalBatchResponse.StatusCode. A plain 4xx with a JSON error body instead gives
//   every operation that status with no per-operation results (right for a batch rejected as a whole).
//   Body: WriteResponse's bytes, exactly one BatchResult row per request operation, else the SDK reports 500. The SDK
//   recognises the body by its first byte (HybridRow version 0x81), not by Content-Type; application/octet-stream fits.
//   Headers: x-ms-request-charge (the batch total, TransactionalBatchResponse.RequestCharge), x-ms-activity-id,
//   x-ms-session-token (kept by the SDK's session container like any write), x-ms-retry-after-ms with a 429.
//
// Bulk mode (CosmosClientOptions.AllowBulkExecution; the SDK's BatchAsyncContainerExecutor) sends the same body with, instead of the partition key header,
//   x-ms-documentdb-partitionkeyrangeid: 0      the partition key range every operation was routed to
//   x-ms-cosmos-batch-atomic: False             each operation applies or fails on its own
//   x-ms-cosmos-batch-continue-on-error: True   a failure does not stop the operations after it
//   and a "partitionKey" field (["pk"]) in every operation row. The SDK reads one result per operation whatever the
//   response status (it sends a failed one back through its retry policy: 429, 410/1002, 413/3402), so 200 when all
//   succeeded and 207 when any failed, as for a transactional batch, with no 424 in it.
//
// Limits enforced by the real service, answered as a whole-batch error (not 207):
//   more than 100 operations: 400 BadRequest, "Batch request has more operations than what is supported.";
//   a body over 2 MiB: 413 RequestEntityTooLarge, "Request size is too large".
using System.Text;
using Microsoft.Azure.Cosmos;
using Microsoft.Azure.Cosmos.Core;
using Microsoft.Azure.Cosmos.Serialization.HybridRow;
using Microsoft.Azure.Cosmos.Serialization.HybridRow.IO;
using Microsoft.Azure.Cosmos.Serialization.HybridRow.Layouts;
using Microsoft.Azure.Cosmos.Serialization.HybridRow.RecordIO;
using Microsoft.Azure.Cosmos.Serialization.HybridRow.Schemas;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Store;

namespace TodoFunctions.CosmosEmulator.Batch;

/// <summary>Reads the SDK's binary batch request (transactional or bulk) and writes the binary response it expects.</summary>
public static class HybridRowBatchCodec
{
    private const int InitialRowCapacity = 1024;

    private static readonly LayoutResolverNamespace Schemas = LoadSdkBatchSchemas();

    private static readonly Layout BatchResultLayout =
        Schemas.Resolve(Schemas.Namespace.Schemas.Single(schema => schema.Name == "BatchResult").SchemaId);

    /// <summary>The operation type numbers of the SDK's wire format (Microsoft.Azure.Documents.OperationType).</summary>
    private enum WireOperationType { Create = 0, Patch = 1, Read = 2, Delete = 4, Replace = 5, Upsert = 20 }

    /// <summary>Decodes a batch request body into its operations, in order.</summary>
    /// <exception cref="InvalidDataException">The body is not a batch the emulator understands (answer 400 with the message).</exception>
    public static async Task<IReadOnlyList<BatchOperation>> ReadRequestAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffered = new MemoryStream();
        await body.CopyToAsync(buffered, cancellationToken);
        buffered.Position = 0;

        var operations = new List<BatchOperation>();
        Result result;
        try
        {
            result = await buffered.ReadRecordIOAsync(
                (ReadOnlyMemory<byte> record) =>
                {
                    operations.Add(ReadOperation(record));
                    return Result.Success;
                },
                resizer: new MemorySpanResizer<byte>(Math.Max(InitialRowCapacity, (int)buffered.Length)));
        }
        catch (ContractViolationException exception)
        {
            throw new InvalidDataException("The batch body is not a HybridRow RecordIO stream.", exception);
        }

        if (result != Result.Success)
        {
            throw new InvalidDataException($"The batch body is not a HybridRow RecordIO stream ({result}).");
        }

        return operations;
    }

    /// <summary>Encodes one result row per operation, in operation order.</summary>
    public static byte[] WriteResponse(IReadOnlyList<BatchOperationResult> results)
    {
        using var body = new MemoryStream();
        // Writing into a MemoryStream completes synchronously, so waiting here never blocks.
        Result result = body.WriteRecordIOAsync(
            default,
            (long index, out ReadOnlyMemory<byte> record) =>
            {
                record = index < results.Count ? WriteResultRow(results[(int)index]) : ReadOnlyMemory<byte>.Empty;
                return Result.Success;
            }).GetAwaiter().GetResult();
        EnsureWritten(result);
        return body.ToArray();
    }

    private static BatchOperation ReadOperation(ReadOnlyMemory<byte> record)
    {
        var reader = new RowReader(record, HybridRowVersion.V1, Schemas);
        int? operationType = null;
        string? id = null, ifMatch = null, ifNoneMatch = null, partitionKey = null;
        byte[]? resourceBody = null;
        // Other fields are not needed: effectivePartitionKey and binaryId come only from internal options the SDK
        // refuses in bulk mode, and minimalReturnPreference may be ignored because the SDK accepts a body it did not ask for.
        while (reader.Read())
        {
            switch (reader.Path.ToString())
            {
                case "operationType":
                    EnsureRead(reader.ReadInt32(out int type));
                    operationType = type;
                    break;
                case "id":
                    EnsureRead(reader.ReadString(out id));
                    break;
                case "partitionKey":
                    EnsureRead(reader.ReadString(out partitionKey));
                    break;
                case "resourceBody":
                    EnsureRead(reader.ReadBinary(out resourceBody));
                    break;
                case "ifMatch":
                    EnsureRead(reader.ReadString(out ifMatch));
                    break;
                case "ifNoneMatch":
                    EnsureRead(reader.ReadString(out ifNoneMatch));
                    break;
            }
        }

        BatchOperation operation = (WireOperationType?)operationType switch
        {
            WireOperationType.Create => new(BatchOperationKind.Create, id, ParseObject(resourceBody), null, ifMatch, ifNoneMatch),
            WireOperationType.Read => new(BatchOperationKind.Read, id, null, null, ifMatch, ifNoneMatch),
            WireOperationType.Replace => new(BatchOperationKind.Replace, id, ParseObject(resourceBody), null, ifMatch, ifNoneMatch),
            WireOperationType.Upsert => new(BatchOperationKind.Upsert, id, ParseObject(resourceBody), null, ifMatch, ifNoneMatch),
            WireOperationType.Delete => new(BatchOperationKind.Delete, id, null, null, ifMatch, ifNoneMatch),
            WireOperationType.Patch => ReadPatch(id, ParseObject(resourceBody), ifMatch, ifNoneMatch),
            _ => throw new InvalidDataException($"Batch operation type {operationType?.ToString() ?? "(missing)"} is not supported."),
        };
        return operation with { PartitionKeyJson = partitionKey };
    }

    // The SDK sends a patch as {"operations":[...]} plus "condition" when a FilterPredicate is set.
    private static BatchOperation ReadPatch(string? id, JObject patchSpecification, string? ifMatch, string? ifNoneMatch) => new(
        BatchOperationKind.Patch,
        id,
        null,
        patchSpecification["operations"] as JArray
            ?? throw new InvalidDataException("A batch patch operation carries no \"operations\" array."),
        ifMatch,
        ifNoneMatch,
        patchSpecification.Value<string>("condition"));

    private static JObject ParseObject(byte[]? utf8Json)
    {
        if (utf8Json is null)
        {
            throw new InvalidDataException("A batch operation that needs a body carries none.");
        }

        try
        {
            return Json.Parse(new StreamReader(new MemoryStream(utf8Json), Encoding.UTF8)) as JObject
                ?? throw new InvalidDataException("A batch operation body is not a JSON object.");
        }
        catch (JsonReaderException exception)
        {
            throw new InvalidDataException("A batch operation body is not JSON.", exception);
        }
    }

    private static byte[] WriteResultRow(BatchOperationResult result)
    {
        var row = new RowBuffer(InitialRowCapacity);
        row.InitLayout(HybridRowVersion.V1, BatchResultLayout, Schemas);
        EnsureWritten(RowWriter.WriteBuffer(ref row, result, WriteResultFields));
        return row.ToArray();
    }

    private static Result WriteResultFields(ref RowWriter writer, TypeArgument typeArgument, BatchOperationResult result)
    {
        EnsureWritten(writer.WriteInt32("statusCode", result.StatusCode));
        EnsureWritten(writer.WriteInt32("subStatusCode", result.SubStatusCode));
        if (result.ETag is not null)
        {
            EnsureWritten(writer.WriteString("eTag", result.ETag));
        }

        if (result.Resource is not null)
        {
            EnsureWritten(writer.WriteBinary("resourceBody", Encoding.UTF8.GetBytes(Json.Compact(result.Resource))));
        }

        if (result.RetryAfter is { } retryAfter)
        {
            EnsureWritten(writer.WriteUInt32("retryAfterMilliseconds", (uint)retryAfter.TotalMilliseconds));
        }

        EnsureWritten(writer.WriteFloat64("requestCharge", result.RequestCharge));
        return Result.Success;
    }

    // The schemas the SDK itself compiles its batch rows against, so both sides agree on every field.
    private static LayoutResolverNamespace LoadSdkBatchSchemas()
    {
        const string resourceName = "Microsoft.Azure.Cosmos.Batch.HybridRowBatchSchemas.json";
        using Stream resource = typeof(CosmosClient).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"{resourceName} is missing from the Cosmos SDK assembly.");
        using var reader = new StreamReader(resource);
        return new LayoutResolverNamespace(Namespace.Parse(reader.ReadToEnd()));
    }

    private static void EnsureRead(Result result)
    {
        if (result != Result.Success)
        {
            throw new InvalidDataException($"A batch operation row could not be read ({result}).");
        }
    }

    private static void EnsureWritten(Result result)
    {
        if (result != Result.Success)
        {
            throw new InvalidOperationException($"A batch result row could not be written ({result}).");
        }
    }
}
