using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator;
using TodoFunctions.CosmosEmulator.Batch;

namespace TodoFunctions.CosmosEmulator.Tests.Batch;

// The real SDK talks to an in-memory gateway that decodes the batch with the codec and answers with it, so these
// specify the codec against what Microsoft.Azure.Cosmos 3.64.0 actually sends and reads, without the emulator core.
public sealed class HybridRowBatchCodecTests
{
    private static readonly PartitionKey Partition = new("p1");

    [Fact]
    public async Task Every_operation_kind_reaches_the_server_with_its_id_body_preconditions_and_patch_operations()
    {
        var gateway = new InMemoryBatchGateway(operations => AnswerAll(operations, new BatchOperationResult(200)));
        using CosmosClient client = gateway.CreateClient();

        await client.GetContainer("db", "coll").CreateTransactionalBatch(Partition)
            .CreateItem(new { id = "a", pk = "p1", title = "create" })
            .ReadItem("b")
            .ReplaceItem("c", new { id = "c", pk = "p1", title = "replace" }, new TransactionalBatchItemRequestOptions { IfMatchEtag = "\"etag-c\"" })
            .UpsertItem(new { id = "d", pk = "p1", title = "upsert" })
            .DeleteItem("e", new TransactionalBatchItemRequestOptions { IfMatchEtag = "\"etag-e\"" })
            .PatchItem("f", [PatchOperation.Set("/title", "patched"), PatchOperation.Increment("/order", 2)], new TransactionalBatchPatchItemRequestOptions { IfMatchEtag = "\"etag-f\"" })
            .ReadItem("g", new TransactionalBatchItemRequestOptions { IfNoneMatchEtag = "\"etag-g\"" })
            .ExecuteAsync();

        IReadOnlyList<BatchOperation> received = Assert.Single(gateway.ReceivedBatches);
        Assert.Collection(
            received,
            create => AssertOperation(create, BatchOperationKind.Create, null, """{"id":"a","pk":"p1","title":"create"}"""),
            read => AssertOperation(read, BatchOperationKind.Read, "b", null),
            replace => AssertOperation(replace, BatchOperationKind.Replace, "c", """{"id":"c","pk":"p1","title":"replace"}""", ifMatch: "\"etag-c\""),
            upsert => AssertOperation(upsert, BatchOperationKind.Upsert, null, """{"id":"d","pk":"p1","title":"upsert"}"""),
            delete => AssertOperation(delete, BatchOperationKind.Delete, "e", null, ifMatch: "\"etag-e\""),
            patch =>
            {
                AssertOperation(patch, BatchOperationKind.Patch, "f", null, ifMatch: "\"etag-f\"");
                Assert.Equal(
                    JArray.Parse("""[{"op":"set","path":"/title","value":"patched"},{"op":"incr","path":"/order","value":2}]"""),
                    patch.PatchOperations,
                    JToken.EqualityComparer);
            },
            readIfChanged => AssertOperation(readIfChanged, BatchOperationKind.Read, "g", null, ifNoneMatch: "\"etag-g\""));
    }

    [Fact]
    public async Task A_batch_is_posted_to_the_container_docs_with_the_batch_atomic_ordered_and_partition_key_headers()
    {
        var gateway = new InMemoryBatchGateway(operations => AnswerAll(operations, new BatchOperationResult(201)));
        using CosmosClient client = gateway.CreateClient();

        await client.GetContainer("db", "coll").CreateTransactionalBatch(Partition).CreateItem(new { id = "a", pk = "p1" }).ExecuteAsync();

        HttpRequestMessage request = Assert.Single(gateway.BatchRequests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/dbs/db/colls/coll/docs", request.RequestUri!.AbsolutePath);
        Assert.Equal("True", Header(request, "x-ms-cosmos-is-batch-request"));
        Assert.Equal("True", Header(request, "x-ms-cosmos-batch-atomic"));
        Assert.Equal("True", Header(request, "x-ms-cosmos-batch-ordered"));
        Assert.Equal("""["p1"]""", Header(request, "x-ms-documentdb-partitionkey"));
    }

    [Fact]
    public async Task A_successful_batch_gives_the_sdk_every_operation_status_etag_and_resource()
    {
        var created = JObject.Parse("""{"id":"a","pk":"p1","title":"create","_etag":"\"1\""}""");
        var read = JObject.Parse("""{"id":"b","pk":"p1","title":"read","_etag":"\"2\""}""");
        var gateway = new InMemoryBatchGateway(_ => new(HttpStatusCode.OK,
        [
            new BatchOperationResult(201, ETag: "\"1\"", Resource: created, RequestCharge: 6.2),
            new BatchOperationResult(200, ETag: "\"2\"", Resource: read, RequestCharge: 1),
            new BatchOperationResult(204, RequestCharge: 6.2),
        ]));
        using CosmosClient client = gateway.CreateClient();

        using TransactionalBatchResponse response = await client.GetContainer("db", "coll").CreateTransactionalBatch(Partition)
            .CreateItem(new { id = "a", pk = "p1", title = "create" })
            .ReadItem("b")
            .DeleteItem("c")
            .ExecuteAsync();

        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(13.4, response.RequestCharge);
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.NoContent], response.Select(result => result.StatusCode));
        Assert.Equal(["\"1\"", "\"2\"", null], response.Select(result => result.ETag));
        Assert.Equal(created, response.GetOperationResultAtIndex<JObject>(0).Resource, JToken.EqualityComparer);
        Assert.Equal(read, response.GetOperationResultAtIndex<JObject>(1).Resource, JToken.EqualityComparer);
        Assert.Null(response.GetOperationResultAtIndex<JObject>(2).Resource);
    }

    [Theory]
    [InlineData(HttpStatusCode.Conflict)]
    [InlineData(HttpStatusCode.PreconditionFailed)]
    [InlineData(HttpStatusCode.NotFound)]
    public async Task A_rolled_back_batch_answered_207_reports_the_failing_operation_status_and_424_for_the_others(HttpStatusCode failure)
    {
        var gateway = new InMemoryBatchGateway(_ => new(HttpStatusCode.MultiStatus,
        [
            new BatchOperationResult(424),
            new BatchOperationResult((int)failure),
            new BatchOperationResult(424),
        ]));
        using CosmosClient client = gateway.CreateClient();

        using TransactionalBatchResponse response = await client.GetContainer("db", "coll").CreateTransactionalBatch(Partition)
            .CreateItem(new { id = "a", pk = "p1" })
            .ReplaceItem("b", new { id = "b", pk = "p1" }, new TransactionalBatchItemRequestOptions { IfMatchEtag = "\"stale\"" })
            .DeleteItem("c")
            .ExecuteAsync();

        Assert.False(response.IsSuccessStatusCode);
        Assert.Equal(failure, response.StatusCode);
        Assert.Equal([HttpStatusCode.FailedDependency, failure, HttpStatusCode.FailedDependency], response.Select(result => result.StatusCode));
    }

    [Fact]
    public async Task A_throttled_operation_carries_its_retry_after_to_the_sdk()
    {
        var gateway = new InMemoryBatchGateway(_ => new(HttpStatusCode.MultiStatus,
            [new BatchOperationResult(429, SubStatusCode: 3200, RetryAfter: TimeSpan.FromMilliseconds(250))]));
        using CosmosClient client = gateway.CreateClient();

        using TransactionalBatchResponse response = await client.GetContainer("db", "coll").CreateTransactionalBatch(Partition)
            .CreateItem(new { id = "a", pk = "p1" })
            .ExecuteAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, response[0].StatusCode);
        Assert.Equal(TimeSpan.FromMilliseconds(250), response[0].RetryAfter);
    }

    [Fact]
    public async Task Date_like_strings_in_a_body_stay_the_exact_strings_the_client_sent()
    {
        var gateway = new InMemoryBatchGateway(operations => AnswerAll(operations, new BatchOperationResult(201)));
        using CosmosClient client = gateway.CreateClient();

        await client.GetContainer("db", "coll").CreateTransactionalBatch(Partition)
            .CreateItemStream(new MemoryStream(Encoding.UTF8.GetBytes("""{"id":"a","pk":"p1","due":"2030-01-02T03:04:05.1234567Z"}""")))
            .ExecuteAsync();

        JToken due = Assert.Single(gateway.ReceivedBatches)[0].Resource!["due"]!;
        Assert.Equal(JTokenType.String, due.Type);
        Assert.Equal("2030-01-02T03:04:05.1234567Z", (string?)due);
    }

    [Fact]
    public async Task A_conditional_patch_carries_its_filter_predicate()
    {
        var gateway = new InMemoryBatchGateway(operations => AnswerAll(operations, new BatchOperationResult(200)));
        using CosmosClient client = gateway.CreateClient();

        using TransactionalBatchResponse response = await client.GetContainer("db", "coll").CreateTransactionalBatch(Partition)
            .PatchItem("a", [PatchOperation.Set("/done", true)], new TransactionalBatchPatchItemRequestOptions { FilterPredicate = "from c where c.done = false" })
            .PatchItem("b", [PatchOperation.Set("/done", true)])
            .ExecuteAsync();

        var operations = Assert.Single(gateway.ReceivedBatches);
        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal("from c where c.done = false", operations[0].PatchCondition);
        Assert.Null(operations[1].PatchCondition);
    }

    [Fact]
    public async Task Bulk_mode_posts_non_atomic_batches_to_a_partition_key_range_with_each_operation_partition_key()
    {
        var gateway = new InMemoryBatchGateway(operations => AnswerAll(operations, new BatchOperationResult(200)));
        using CosmosClient client = gateway.CreateClient(allowBulkExecution: true);
        Container container = client.GetContainer("db", "coll");

        await Task.WhenAll(
            container.UpsertItemAsync(new { id = "a", pk = "p1" }, new PartitionKey("p1")),
            container.ReplaceItemAsync(new { id = "b", pk = "p2" }, "b", new PartitionKey("p2"), new ItemRequestOptions { IfMatchEtag = "\"etag-b\"" }),
            container.ReadItemStreamAsync("c", new PartitionKey("p3")));

        Assert.All(gateway.BatchRequests, request =>
        {
            Assert.Equal("False", Header(request, "x-ms-cosmos-batch-atomic"));
            Assert.Equal("True", Header(request, "x-ms-cosmos-batch-continue-on-error"));
            Assert.Equal("0", Header(request, "x-ms-documentdb-partitionkeyrangeid"));
            Assert.False(request.Headers.Contains("x-ms-documentdb-partitionkey"));
        });
        var received = gateway.ReceivedBatches.SelectMany(operations => operations).OrderBy(operation => operation.PartitionKeyJson).ToList();
        Assert.Equal(["[\"p1\"]", "[\"p2\"]", "[\"p3\"]"], received.Select(operation => operation.PartitionKeyJson));
        Assert.Equal([BatchOperationKind.Upsert, BatchOperationKind.Replace, BatchOperationKind.Read], received.Select(operation => operation.Kind));
        Assert.Equal("\"etag-b\"", received[1].IfMatch);
    }

    [Fact]
    public async Task In_bulk_mode_each_operation_of_a_207_gets_its_own_status_and_etag()
    {
        var gateway = new InMemoryBatchGateway(operations => new(HttpStatusCode.MultiStatus,
        [
            .. operations.Select(operation => operation.Resource!.Value<string>("id") == "taken"
                ? new BatchOperationResult(409)
                : new BatchOperationResult(201, ETag: "\"new\"", Resource: operation.Resource)),
        ]));
        using CosmosClient client = gateway.CreateClient(allowBulkExecution: true);
        Container container = client.GetContainer("db", "coll");

        Task<ItemResponse<JObject>> fresh = container.CreateItemAsync(new JObject { ["id"] = "fresh", ["pk"] = "p1" }, new PartitionKey("p1"));
        Task<ItemResponse<JObject>> taken = container.CreateItemAsync(new JObject { ["id"] = "taken", ["pk"] = "p1" }, new PartitionKey("p1"));

        ItemResponse<JObject> created = await fresh;
        CosmosException conflict = await Assert.ThrowsAsync<CosmosException>(() => taken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("\"new\"", created.ETag);
        Assert.Equal("fresh", created.Resource.Value<string>("id"));
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
    }

    [Fact]
    public async Task A_body_that_is_not_a_hybrid_row_stream_is_rejected_as_invalid_data()
    {
        using var body = new MemoryStream(Encoding.UTF8.GetBytes("""{"id":"a"}"""));

        await Assert.ThrowsAsync<InvalidDataException>(() => HybridRowBatchCodec.ReadRequestAsync(body, CancellationToken.None));
    }

    private static BatchAnswer AnswerAll(IReadOnlyList<BatchOperation> operations, BatchOperationResult result) =>
        new(HttpStatusCode.OK, operations.Select(_ => result).ToList());

    private static void AssertOperation(
        BatchOperation operation, BatchOperationKind kind, string? id, string? resourceJson, string? ifMatch = null, string? ifNoneMatch = null)
    {
        Assert.Equal(kind, operation.Kind);
        Assert.Equal(id, operation.Id);
        Assert.Equal(resourceJson is null ? null : JObject.Parse(resourceJson), operation.Resource, JToken.EqualityComparer);
        Assert.Equal(ifMatch, operation.IfMatch);
        Assert.Equal(ifNoneMatch, operation.IfNoneMatch);
    }

    private static string Header(HttpRequestMessage request, string name) => string.Join(",", request.Headers.GetValues(name));

    private sealed record BatchAnswer(HttpStatusCode Status, IReadOnlyList<BatchOperationResult> Results);

    /// <summary>Just enough of a gateway for the SDK to reach a batch: account, container, one partition key range, batch POST.</summary>
    private sealed class InMemoryBatchGateway(Func<IReadOnlyList<BatchOperation>, BatchAnswer> answer) : HttpMessageHandler
    {
        private const string Endpoint = "http://127.0.0.1:1/";

        // Concurrent: bulk mode may send several batches at once.
        public ConcurrentQueue<IReadOnlyList<BatchOperation>> ReceivedBatches { get; } = new();

        public ConcurrentQueue<HttpRequestMessage> BatchRequests { get; } = new();

        public CosmosClient CreateClient(bool allowBulkExecution = false)
        {
            Environment.SetEnvironmentVariable("COSMOS_DISABLE_IMDS_ACCESS", "true");
            return new CosmosClient(Endpoint, CosmosEmulatorOptions.WellKnownAccountKey, new CosmosClientOptions
            {
                ConnectionMode = ConnectionMode.Gateway,
                LimitToEndpoint = true,
                AllowBulkExecution = allowBulkExecution,
                HttpClientFactory = () => new HttpClient(this, disposeHandler: false),
            });
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string path = request.RequestUri!.AbsolutePath;
            if (request.Method == HttpMethod.Post && path.EndsWith("/docs", StringComparison.Ordinal))
            {
                BatchRequests.Enqueue(request);
                return await AnswerBatchAsync(request, cancellationToken);
            }

            if (path.EndsWith("/pkranges", StringComparison.Ordinal))
            {
                return request.Headers.IfNoneMatch.Count > 0 ? new HttpResponseMessage(HttpStatusCode.NotModified) : Json(PartitionKeyRanges);
            }

            return path == "/" ? Json(Account) : Json(Container);
        }

        private async Task<HttpResponseMessage> AnswerBatchAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            IReadOnlyList<BatchOperation> operations;
            try
            {
                operations = await HybridRowBatchCodec.ReadRequestAsync(await request.Content!.ReadAsStreamAsync(cancellationToken), cancellationToken);
            }
            catch (InvalidDataException exception)
            {
                var error = new JObject { ["code"] = "BadRequest", ["message"] = exception.Message };
                return Json(error.ToString(), HttpStatusCode.BadRequest);
            }

            ReceivedBatches.Enqueue(operations);
            BatchAnswer batchAnswer = answer(operations);
            var response = new HttpResponseMessage(batchAnswer.Status) { Content = new ByteArrayContent(HybridRowBatchCodec.WriteResponse(batchAnswer.Results)) };
            response.Headers.Add("x-ms-request-charge", batchAnswer.Results.Sum(result => result.RequestCharge).ToString(System.Globalization.CultureInfo.InvariantCulture));
            response.Headers.Add("x-ms-activity-id", Guid.NewGuid().ToString());
            return response;
        }

        private static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK)
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            response.Headers.ETag = new System.Net.Http.Headers.EntityTagHeaderValue("\"1\"");
            return response;
        }

        private const string Account = $$"""
            {"id":"local","_rid":"local","userConsistencyPolicy":{"defaultConsistencyLevel":"Session"},
             "queryEngineConfiguration":"{\"maxSqlQueryInputLength\":262144}",
             "writableLocations":[{"name":"local","databaseAccountEndpoint":"{{Endpoint}}"}],
             "readableLocations":[{"name":"local","databaseAccountEndpoint":"{{Endpoint}}"}]}
            """;

        // Resource ids the SDK decodes: database 4 bytes, container 8 bytes with the high bit of byte 4 set.
        private const string Container = """
            {"id":"coll","_rid":"AQAAAIAAAAA=","_self":"dbs/AQAAAA==/colls/AQAAAIAAAAA=/",
             "partitionKey":{"paths":["/pk"],"kind":"Hash","version":2}}
            """;

        private const string PartitionKeyRanges = """
            {"_rid":"AQAAAIAAAAA=","_count":1,
             "PartitionKeyRanges":[{"id":"0","_rid":"AQAAAIAAAAACAAAAAAAAUA==","minInclusive":"","maxExclusive":"FF","parents":[]}]}
            """;
    }
}
