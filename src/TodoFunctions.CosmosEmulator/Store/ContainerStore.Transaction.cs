using System.Net;
using System.Text;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Cost;
using TodoFunctions.CosmosEmulator.Persistence;
using TodoFunctions.CosmosEmulator.Query;
using TodoFunctions.CosmosEmulator.Server;

namespace TodoFunctions.CosmosEmulator.Store;

internal sealed partial class ContainerStore
{
    /// <summary>The writes of one request, staged so that a failing operation leaves the container untouched (an
    /// operation fails before it stages anything). A transactional batch gives all its writes one LSN, so it is one
    /// transaction in the change feed; a bulk request gives each write the next one.</summary>
    private sealed class Transaction(ContainerStore container, DateTimeOffset now, long? readAtLsn, bool lsnPerOperation)
    {
        private readonly Dictionary<(string PartitionKeyJson, string Id), JObject?> staged = [];
        private long transactionLsn = container.lsn + 1;
        private ulong lastDocumentNumber = container.lastDocumentNumber;
        private string partitionKeyJson = "";

        public DateTimeOffset Now => now;

        public List<DocumentChange> Changes { get; } = [];

        public DocumentOutcome Apply(string partitionKeyJson, DocumentOperation operation)
        {
            this.partitionKeyJson = partitionKeyJson;
            var changesBefore = Changes.Count;
            var outcome = ApplyOne(operation);
            if (lsnPerOperation && Changes.Count > changesBefore)
                transactionLsn++;
            return outcome;
        }

        private DocumentOutcome ApplyOne(DocumentOperation operation)
        {
            try
            {
                return operation.Kind switch
                {
                    DocumentOperationKind.Create => Create(operation),
                    DocumentOperationKind.Read => Read(operation),
                    DocumentOperationKind.Replace => Replace(operation),
                    DocumentOperationKind.Upsert => Upsert(operation),
                    DocumentOperationKind.Delete => Delete(operation),
                    DocumentOperationKind.Patch => Patch(operation),
                    _ => throw GatewayException.BadRequest($"Unknown operation {operation.Kind}."),
                };
            }
            catch (GatewayException refused)
            {
                return new DocumentOutcome(refused.StatusCode, null, RequestCharges.Refused, refused.Message, refused.SubStatusCode);
            }
            catch (CosmosSqlException unsupported) // a patch's filter predicate: it fails its own operation only
            {
                return new DocumentOutcome(HttpStatusCode.BadRequest, null, RequestCharges.Refused, unsupported.Message);
            }
        }

        private DocumentOutcome Create(DocumentOperation operation)
        {
            var (id, resource) = Valid(operation.Resource);
            if (Current(id) is not null)
                throw GatewayException.Conflict("Entity with the specified id already exists in the system.");
            return Write(HttpStatusCode.Created, id, resource, NewRid());
        }

        private DocumentOutcome Read(DocumentOperation operation)
        {
            var existing = Existing(operation.Id);
            return operation.IfNoneMatch == existing.Value<string>(SystemProperties.ETag)
                ? new DocumentOutcome(HttpStatusCode.NotModified, existing, RequestCharges.PointRead(existing))
                : new DocumentOutcome(HttpStatusCode.OK, existing, RequestCharges.PointRead(existing));
        }

        private DocumentOutcome Replace(DocumentOperation operation)
        {
            var existing = Matching(Existing(operation.Id), operation.IfMatch);
            var (id, resource) = Valid(operation.Resource);
            if (id != operation.Id)
                throw GatewayException.BadRequest($"The replacement's id '{id}' differs from the id '{operation.Id}' in the request.");
            return Write(HttpStatusCode.OK, id, resource, existing.Value<string>(SystemProperties.Rid)!);
        }

        private DocumentOutcome Upsert(DocumentOperation operation)
        {
            var (id, resource) = Valid(operation.Resource);
            var existing = Current(id);
            return existing is null
                ? Write(HttpStatusCode.Created, id, resource, NewRid())
                : Write(HttpStatusCode.OK, id, resource, Matching(existing, operation.IfMatch).Value<string>(SystemProperties.Rid)!);
        }

        private DocumentOutcome Delete(DocumentOperation operation)
        {
            var existing = Matching(Existing(operation.Id), operation.IfMatch);
            staged[(partitionKeyJson, operation.Id!)] = null;
            Changes.Add(new DocumentChange(partitionKeyJson, operation.Id!, null, transactionLsn));
            return new DocumentOutcome(HttpStatusCode.NoContent, null, RequestCharges.Write(existing));
        }

        private DocumentOutcome Patch(DocumentOperation operation)
        {
            var existing = Matching(Existing(operation.Id), operation.IfMatch);
            if (operation.PatchCondition is not null && !Satisfies(existing, operation.PatchCondition))
                throw PreconditionFailed();
            var patched = DocumentPatch.Apply(existing, operation.PatchOperations ?? throw GatewayException.BadRequest("A patch needs operations."));
            var (id, resource) = Valid(patched);
            if (id != operation.Id)
                throw GatewayException.BadRequest("A patch cannot change the id of an item.");
            return Write(HttpStatusCode.OK, id, resource, existing.Value<string>(SystemProperties.Rid)!);
        }

        private static bool Satisfies(JObject document, string condition) =>
            CosmosSqlQuery.Parse("SELECT * " + condition).Execute([document], new Dictionary<string, JToken>()).Count > 0;

        private DocumentOutcome Write(HttpStatusCode status, string id, JObject resource, string rid)
        {
            container.uniqueKeys.Verify(resource, id, PartitionUniqueKeyValues());
            var body = new JObject(resource.Properties().Where(property => !SystemProperties.Names.Contains(property.Name)))
            {
                [SystemProperties.Rid] = rid,
                [SystemProperties.Self] = $"{container.Resource.Value<string>(SystemProperties.Self)}docs/{rid}/",
                [SystemProperties.ETag] = SystemProperties.NewETag(),
                [SystemProperties.Attachments] = "attachments/",
                [SystemProperties.Timestamp] = now.ToUnixTimeSeconds(),
                [SystemProperties.Lsn] = transactionLsn,
            };
            staged[(partitionKeyJson, id)] = body;
            Changes.Add(new DocumentChange(partitionKeyJson, id, body, transactionLsn));
            return new DocumentOutcome(status, body, RequestCharges.Write(body));
        }

        // The unique-key values of the partition as this transaction sees it: stored items overlaid with its own staged writes.
        private IEnumerable<(string Id, IReadOnlyList<JToken> Values)> PartitionUniqueKeyValues() =>
            (container.partitions.GetValueOrDefault(partitionKeyJson)?.Values ?? Enumerable.Empty<StoredDocument>())
                .Where(document => !staged.ContainsKey((partitionKeyJson, document.Id)) && !container.IsExpired(document, now))
                .Select(document => (document.Id, document.UniqueKeyValues))
                .Concat(staged
                    .Where(write => write.Key.PartitionKeyJson == partitionKeyJson && write.Value is not null)
                    .Select(write => (write.Key.Id, container.uniqueKeys.ValuesOf(write.Value!))));

        private string NewRid() => ResourceIds.Document(container.Rid, ++lastDocumentNumber);

        private JObject? Current(string id) =>
            staged.TryGetValue((partitionKeyJson, id), out var document) ? document : container.Live(partitionKeyJson, id, now, readAtLsn)?.ParseBody();

        private JObject Existing(string? id) =>
            Current(id ?? throw GatewayException.BadRequest("The operation needs an item id."))
            ?? throw GatewayException.NotFound("Entity with the specified id does not exist in the system.");

        private static JObject Matching(JObject existing, string? ifMatch) =>
            ifMatch is null or "*" || ifMatch == existing.Value<string>(SystemProperties.ETag) ? existing : throw PreconditionFailed();

        private static GatewayException PreconditionFailed() =>
            new(HttpStatusCode.PreconditionFailed, "One of the specified pre-condition is not met.");

        private (string Id, JObject Resource) Valid(JObject? resource)
        {
            if (resource is null)
                throw GatewayException.BadRequest("The operation needs an item body.");
            if (resource["id"] is not { Type: JTokenType.String } idToken || idToken.Value<string>() is not { Length: > 0 and <= 255 } id)
                throw GatewayException.BadRequest("The input content is invalid because the required property 'id' is missing or not a string of 1 to 255 characters.");
            if (id.IndexOfAny(InvalidIdCharacters) >= 0)
                throw GatewayException.BadRequest($"The id '{id}' contains one of the characters '/', '\\', '?', '#'.");
            if (container.PartitionKey.ValueOf(resource) != partitionKeyJson)
                throw GatewayException.BadRequest("PartitionKey extracted from document doesn't match the one specified in the header.");
            if (resource["ttl"] is { } ttl && ttl.Type != JTokenType.Null
                && !(ttl.Type == JTokenType.Integer && (ttl.Value<long>() == -1 || ttl.Value<long>() > 0)))
                throw GatewayException.BadRequest("The 'ttl' of an item must be a positive whole number of seconds or -1.");
            if (Encoding.UTF8.GetByteCount(Json.Compact(resource)) > MaxDocumentBytes)
                throw new GatewayException(HttpStatusCode.RequestEntityTooLarge, "The item is larger than the 2 MB Cosmos DB allows.");
            return (id, resource);
        }
    }
}
