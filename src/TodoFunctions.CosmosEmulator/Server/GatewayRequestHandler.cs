using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TodoFunctions.CosmosEmulator.Cost;
using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.CosmosEmulator.Query;
using TodoFunctions.CosmosEmulator.Store;

namespace TodoFunctions.CosmosEmulator.Server;

/// <summary>
/// The gateway's single entry point: verifies the signature, routes by path, maps refusals to Cosmos DB error
/// bodies, adds the protocol headers every response carries, and writes the debug-level request log.
/// </summary>
internal sealed class GatewayRequestHandler
{
    public const string RequestLogCategory = "TodoFunctions.CosmosEmulator.Requests";

    private readonly Account account;
    private readonly GatewayAuthorization authorization;
    private readonly MetadataEndpoints metadata;
    private readonly DocumentEndpoints documents;
    private readonly ControlEndpoints controls;
    private readonly FaultInjector faults;
    private readonly ILogger requestLog;
    private readonly ILogger errorLog;

    public GatewayRequestHandler(
        Account account, GatewayAuthorization authorization, ILoggerFactory loggerFactory, FaultInjector faults, ControlEndpoints controls,
        ShortQueryPages? shortQueryPages = null)
    {
        this.account = account;
        this.authorization = authorization;
        var queries = new QueryEndpoint(shortQueryPages);
        metadata = new MetadataEndpoints(account, queries);
        documents = new DocumentEndpoints(queries, new ChangeFeedEndpoint(), new BatchEndpoint());
        this.controls = controls;
        this.faults = faults;
        requestLog = loggerFactory.CreateLogger(RequestLogCategory);
        errorLog = loggerFactory.CreateLogger<GatewayRequestHandler>();
    }

    public async Task HandleAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var request = new GatewayRequest(context);
        // Faults strike only requests the service would have accepted: a bad signature or date is refused first.
        var response = ControlEndpoints.Addresses(request)
            ? await controls.RespondAsync(request)
            : Refusal(request) ?? await faults.RespondAsync(request, () => RespondAsync(request));
        if (response is null)
            return;
        await WriteAsync(context, response);
        requestLog.LogDebug("{Method} {Path} {StatusCode} {RequestCharge} RU {DurationMs:0.0} ms",
            request.Method, context.Request.Path.Value, (int)response.StatusCode, response.RequestCharge,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>The answer to a request refused before anything else (a bad signature or date); null when it may go on.</summary>
    private GatewayResponse? Refusal(GatewayRequest request)
    {
        try
        {
            authorization.Verify(request);
            return null;
        }
        catch (GatewayException refused)
        {
            return GatewayResponse.Refusal(refused);
        }
    }

    private async Task<GatewayResponse> RespondAsync(GatewayRequest request)
    {
        try
        {
            return await RouteAsync(request);
        }
        catch (GatewayException refused)
        {
            return GatewayResponse.Refusal(refused);
        }
        catch (CosmosSqlException unsupported)
        {
            return GatewayResponse.Error(HttpStatusCode.BadRequest, unsupported.Message, RequestCharges.Refused);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            errorLog.LogError(failure, "{Method} {Path} failed", request.Method, request.Context.Request.Path.Value);
            return GatewayResponse.Error(HttpStatusCode.InternalServerError, failure.Message, RequestCharges.Refused);
        }
    }

    private async Task<GatewayResponse> RouteAsync(GatewayRequest request)
    {
        switch (request.Segments)
        {
            case [] when request.Method == "GET":
                return metadata.ReadAccount(request);
            case ["dbs"]:
                return await metadata.DatabasesAsync(request);
            case ["dbs", var database]:
                return metadata.Database(request, Database(database));
            case ["dbs", var database, "colls"]:
                return await metadata.ContainersAsync(request, Database(database));
            case ["dbs", var database, "colls", var container]:
                var owner = Database(database);
                return await metadata.ContainerAsync(request, owner, Container(owner, container));
            case ["dbs", var database, "colls", var container, "pkranges"]:
                return metadata.PartitionKeyRanges(request, Container(Database(database, 1003), container, 1003));
            case ["dbs", var database, "colls", var container, "docs"]:
                return await documents.FeedAsync(request, Container(Database(database, 1003), container, 1003));
            case ["dbs", var database, "colls", var container, "docs", var id]:
                return await documents.ItemAsync(request, Container(Database(database, 1003), container, 1003), id);
            default:
                throw GatewayException.NotFound($"The emulator has no resource at {request.Context.Request.Path.Value}.");
        }
    }

    // Sub-status 1003: the owner of the addressed resource (its database or container) does not exist.
    private DatabaseStore Database(string idOrRid, int subStatusCode = 0) =>
        account.FindDatabase(idOrRid)
        ?? throw new GatewayException(HttpStatusCode.NotFound, $"Database '{idOrRid}' does not exist.", subStatusCode);

    private ContainerStore Container(DatabaseStore database, string idOrRid, int subStatusCode = 0) =>
        account.FindContainer(database, idOrRid)
        ?? throw new GatewayException(HttpStatusCode.NotFound, $"Container '{idOrRid}' does not exist in database '{database.Id}'.", subStatusCode);

    private static async Task WriteAsync(HttpContext context, GatewayResponse response)
    {
        var http = context.Response;
        http.StatusCode = (int)response.StatusCode;
        foreach (var (name, value) in response.Headers)
            http.Headers[name] = value;
        http.Headers[CosmosHeaders.RequestCharge] = response.RequestCharge.ToString(CultureInfo.InvariantCulture);
        http.Headers[CosmosHeaders.ActivityId] = context.Request.Headers[CosmosHeaders.ActivityId].FirstOrDefault() ?? Guid.NewGuid().ToString();
        var content = response.Binary ?? (response.Json is null ? null : Encoding.UTF8.GetBytes(Json.Compact(response.Json)));
        if (content is null)
            return;
        http.ContentType = response.Binary is null ? "application/json" : "application/octet-stream";
        http.ContentLength = content.Length;
        await http.Body.WriteAsync(content, context.RequestAborted);
    }
}
