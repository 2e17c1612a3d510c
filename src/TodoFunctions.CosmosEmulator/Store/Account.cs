using System.Net;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Partitions;
using TodoFunctions.CosmosEmulator.Persistence;
using TodoFunctions.CosmosEmulator.Server;

namespace TodoFunctions.CosmosEmulator.Store;

/// <summary>A database: its resource body and its containers (guarded by the account).</summary>
internal sealed class DatabaseStore(JObject resource)
{
    public JObject Resource { get; } = resource;

    public string Id => Resource.Value<string>("id")!;

    public string Rid => Resource.Value<string>(SystemProperties.Rid)!;

    public Dictionary<string, ContainerStore> Containers { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// The emulated account: databases and containers, found by name or by resource id, every change journaled
/// before it is visible and replayed from the journal at start.
/// </summary>
internal sealed class Account(IJournal journal, TimeProvider clock, PartitionLayout? layout = null, TimeSpan replicaLag = default)
{
    private static readonly char[] InvalidIdCharacters = ['/', '\\', '?', '#'];

    private readonly Lock gate = new();
    private readonly Dictionary<string, DatabaseStore> databases = new(StringComparer.Ordinal);
    private uint lastDatabaseNumber;
    private uint lastContainerNumber;

    public IReadOnlyList<DatabaseStore> Databases
    {
        get
        {
            lock (gate)
                return [.. databases.Values];
        }
    }

    public DatabaseStore? FindDatabase(string idOrRid)
    {
        lock (gate)
            return databases.GetValueOrDefault(idOrRid) ?? databases.Values.FirstOrDefault(database => database.Rid == idOrRid);
    }

    public IReadOnlyList<ContainerStore> Containers(DatabaseStore database)
    {
        lock (gate)
            return [.. database.Containers.Values];
    }

    public ContainerStore? FindContainer(DatabaseStore database, string idOrRid)
    {
        lock (gate)
            return database.Containers.GetValueOrDefault(idOrRid) ?? database.Containers.Values.FirstOrDefault(container => container.Rid == idOrRid);
    }

    public DatabaseStore CreateDatabase(JObject request)
    {
        var id = ValidId(request, "database");
        lock (gate)
        {
            if (databases.ContainsKey(id))
                throw GatewayException.Conflict($"Database '{id}' already exists.");
            var rid = ResourceIds.Database(lastDatabaseNumber + 1);
            var resource = Stamped(request, rid, $"dbs/{rid}/");
            resource["_colls"] = "colls/";
            resource["_users"] = "users/";
            journal.Append(new DatabaseCreated(id, resource));
            return Add(resource);
        }
    }

    public void DeleteDatabase(string id)
    {
        lock (gate)
        {
            if (!databases.TryGetValue(id, out var database))
                throw GatewayException.NotFound($"Database '{id}' does not exist.");
            foreach (var container in database.Containers.Values)
                container.MarkDeleted();
            journal.Append(new DatabaseDeleted(id));
            databases.Remove(id);
        }
    }

    public ContainerStore CreateContainer(DatabaseStore database, JObject request)
    {
        var id = ValidId(request, "container");
        PartitionKeyPath.FromContainer(request);
        lock (gate)
        {
            if (!IsLive(database))
                throw new GatewayException(HttpStatusCode.NotFound, $"Database '{database.Id}' does not exist.", 1003);
            if (database.Containers.ContainsKey(id))
                throw GatewayException.Conflict($"Container '{id}' already exists in database '{database.Id}'.");
            var rid = ResourceIds.Container(database.Rid, lastContainerNumber + 1);
            var resource = Stamped(request, rid, $"{database.Resource.Value<string>(SystemProperties.Self)}colls/{rid}/");
            ((JObject)resource["partitionKey"]!)["kind"] ??= "Hash";
            resource["indexingPolicy"] ??= DefaultIndexingPolicy();
            foreach (var feed in new[] { "docs", "sprocs", "triggers", "udfs", "conflicts" })
                resource[$"_{feed}"] = $"{feed}/";
            journal.Append(new ContainerCreated(database.Id, id, resource));
            var container = Add(database, resource);
            container.CreateRanges((layout ?? PartitionLayout.OneRange).RangeCountFor(id));
            return container;
        }
    }

    /// <summary>Replaces a container's settings (e.g. its <c>defaultTtl</c>); its partition key (path and hash
    /// version, which place every item) and its unique keys cannot change, as in the service.</summary>
    public ContainerStore ReplaceContainer(DatabaseStore database, ContainerStore container, JObject request)
    {
        if (PartitionKeyPath.FromContainer(request).Path != container.PartitionKey.Path
            || HashVersion(request) != HashVersion(container.Resource))
            throw GatewayException.BadRequest("The partition key of a container cannot be changed.");
        if (!UniqueKeys.Same(request, container.Resource))
            throw GatewayException.BadRequest("The unique key policy of a container cannot be changed after it is created.");
        lock (gate)
        {
            if (!IsLive(database) || !ReferenceEquals(database.Containers.GetValueOrDefault(container.Id), container))
                throw GatewayException.NotFound($"Container '{container.Id}' does not exist in database '{database.Id}'.");
            var resource = Stamped(request, container.Rid, container.Resource.Value<string>(SystemProperties.Self)!);
            foreach (var property in container.Resource.Properties().Where(property => property.Name.StartsWith('_') && resource[property.Name] is null))
                resource[property.Name] = property.Value;
            journal.Append(new ContainerCreated(database.Id, container.Id, resource));
            container.ReplaceResource(resource);
            return container;
        }
    }

    private static int HashVersion(JObject container) => container["partitionKey"]?.Value<int?>("version") ?? 1;

    public void DeleteContainer(DatabaseStore database, string id)
    {
        lock (gate)
        {
            if (!IsLive(database) || !database.Containers.TryGetValue(id, out var container))
                throw GatewayException.NotFound($"Container '{id}' does not exist in database '{database.Id}'.");
            container.MarkDeleted();
            journal.Append(new ContainerDeleted(database.Id, id));
            database.Containers.Remove(id);
        }
    }

    public void PurgeExpired()
    {
        foreach (var container in Databases.SelectMany(Containers))
            container.PurgeExpired();
    }

    /// <summary>Rebuilds the account from journaled entries at start. The changes to items of different containers
    /// may be replayed on several threads at once (each container's in order, after its creation), while the
    /// account's own entries come one at a time, in order.</summary>
    public void Replay(IEnumerable<JournalEntry> entries)
    {
        foreach (var entry in entries)
        {
            if (entry is DocumentsChanged documentsChanged)
            {
                ContainerStore? changedContainer;
                lock (gate)
                    changedContainer = databases.GetValueOrDefault(documentsChanged.Database)?.Containers.GetValueOrDefault(documentsChanged.Container);
                // Outside the account's lock: other containers replay theirs meanwhile, under their own locks.
                changedContainer?.Replay(documentsChanged.Changes);
                continue;
            }
            lock (gate)
            {
                switch (entry)
                {
                    case DatabaseCreated created:
                        Add(created.Resource);
                        break;
                    case DatabaseDeleted deleted:
                        databases.Remove(deleted.Database);
                        break;
                    case ContainerCreated created when databases.GetValueOrDefault(created.Database) is { } database:
                        if (database.Containers.TryGetValue(created.Container, out var existing))
                            existing.ReplaceResource(created.Resource);
                        else
                            Add(database, created.Resource);
                        break;
                    case ContainerDeleted deleted:
                        databases.GetValueOrDefault(deleted.Database)?.Containers.Remove(deleted.Container);
                        break;
                    case PartitionKeyRangesChanged changed:
                        databases.GetValueOrDefault(changed.Database)?.Containers.GetValueOrDefault(changed.Container)?.RestoreRanges(PartitionKeyRangeSet.FromJson(changed.Ranges));
                        break;
                }
            }
        }
    }

    // A request may hold a database found just before another request deleted it.
    private bool IsLive(DatabaseStore database) => ReferenceEquals(databases.GetValueOrDefault(database.Id), database);

    private DatabaseStore Add(JObject resource)
    {
        var database = new DatabaseStore(resource);
        databases[database.Id] = database;
        lastDatabaseNumber = Math.Max(lastDatabaseNumber, ResourceIds.DatabaseNumber(database.Rid));
        return database;
    }

    private ContainerStore Add(DatabaseStore database, JObject resource)
    {
        var container = new ContainerStore(database.Id, resource, journal, clock, replicaLag);
        database.Containers[container.Id] = container;
        lastContainerNumber = Math.Max(lastContainerNumber, ResourceIds.ContainerNumber(container.Rid));
        return container;
    }

    private JObject Stamped(JObject request, string rid, string self) =>
        new(request.Properties().Where(property => !SystemProperties.Names.Contains(property.Name)))
        {
            [SystemProperties.Rid] = rid,
            [SystemProperties.Self] = self,
            [SystemProperties.ETag] = SystemProperties.NewETag(),
            [SystemProperties.Timestamp] = clock.GetUtcNow().ToUnixTimeSeconds(),
        };

    private static string ValidId(JObject request, string kind)
    {
        var id = request["id"] is { Type: JTokenType.String } token ? token.Value<string>() : null;
        if (string.IsNullOrEmpty(id) || id.Length > 255 || id.IndexOfAny(InvalidIdCharacters) >= 0 || id.EndsWith(' '))
            throw GatewayException.BadRequest($"The {kind} id '{id}' must be 1 to 255 characters without '/', '\\', '?', '#' or a trailing space.");
        return id;
    }

    private static JObject DefaultIndexingPolicy() => new()
    {
        ["indexingMode"] = "consistent",
        ["automatic"] = true,
        ["includedPaths"] = new JArray(new JObject { ["path"] = "/*" }),
        ["excludedPaths"] = new JArray(new JObject { ["path"] = "/\"_etag\"/?" }),
    };
}
