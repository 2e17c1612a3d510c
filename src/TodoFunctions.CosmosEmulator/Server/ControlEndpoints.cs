using System.Net;
using System.Security.Cryptography;
using System.Text;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Cost;
using TodoFunctions.CosmosEmulator.Faults;

namespace TodoFunctions.CosmosEmulator.Server;

/// <summary>
/// The emulator's own controls under <c>/_emulator/</c>, outside the Cosmos DB protocol, so a shell can steer a
/// running emulator (<c>curl -H "Authorization: Bearer $KEY"</c>). The bearer token is the account key itself:
/// anyone who may write data may also break it. Control requests are never subject to faults.
/// </summary>
internal sealed class ControlEndpoints(string accountKey, FaultInjector faults, PartitionControlEndpoint partitions)
{
    private readonly byte[] expectedAuthorization = Encoding.UTF8.GetBytes($"Bearer {accountKey}");

    public static bool Addresses(GatewayRequest request) => request.Segments is ["_emulator", ..];

    public async Task<GatewayResponse> RespondAsync(GatewayRequest request)
    {
        if (!Authorized(request))
            return GatewayResponse.Error(HttpStatusCode.Unauthorized,
                "Emulator controls need the header 'Authorization: Bearer <account key>'.", RequestCharges.Refused);
        try
        {
            return request.Segments switch
            {
                ["_emulator", "faults"] => await FaultsAsync(request),
                ["_emulator", "dbs", var database, "colls", var container, "pkranges", var range, "split"] =>
                    partitions.Split(request, database, container, range),
                _ => throw GatewayException.NotFound($"The emulator has no control at {request.Context.Request.Path.Value}."),
            };
        }
        catch (GatewayException refused)
        {
            return GatewayResponse.Refusal(refused);
        }
    }

    private async Task<GatewayResponse> FaultsAsync(GatewayRequest request)
    {
        switch (request.Method)
        {
            case "GET":
                return Plan(faults.Plan ?? new FaultPlan());
            case "PUT":
                using (var reader = new StreamReader(request.Context.Request.Body))
                {
                    try
                    {
                        return Plan(faults.Install(FaultPlan.Parse(await reader.ReadToEndAsync(request.Aborted))));
                    }
                    catch (FormatException invalid)
                    {
                        throw GatewayException.BadRequest(invalid.Message);
                    }
                }
            case "DELETE":
                faults.Clear();
                return new GatewayResponse(HttpStatusCode.NoContent, 0);
            default:
                throw GatewayRequest.MethodNotAllowed(request.Method, "/_emulator/faults");
        }
    }

    private static GatewayResponse Plan(FaultPlan plan) => new(HttpStatusCode.OK, 0) { Json = JToken.Parse(plan.ToJson()) };

    private bool Authorized(GatewayRequest request) =>
        request.Header("Authorization") is { } authorization
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization), expectedAuthorization);
}
