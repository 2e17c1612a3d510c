using System.Globalization;
using System.Net;
using TodoFunctions.CosmosEmulator.Cost;
using TodoFunctions.CosmosEmulator.Server;

namespace TodoFunctions.CosmosEmulator.Faults;

/// <summary>The error answers of injected faults, with the status, sub-status and headers the service sends, so the
/// SDK's retry policies treat them as they treat the service's.</summary>
internal static class FaultResponses
{
    private const string RetryAfterMs = "x-ms-retry-after-ms";
    private const int RequestRateTooLarge = 3200;
    private const HttpStatusCode RetryWith = (HttpStatusCode)449;

    public static GatewayResponse For(FaultRule rule) => rule.Outcome switch
    {
        FaultOutcome.Throttle => GatewayResponse.Error(HttpStatusCode.TooManyRequests,
                "Request rate is large. More Request Units may be needed, so no changes were made. Please retry this request later.",
                RequestCharges.Refused, RequestRateTooLarge)
            .With(RetryAfterMs, rule.RetryAfterMs.ToString(CultureInfo.InvariantCulture)),
        FaultOutcome.ServiceUnavailable or FaultOutcome.ServiceUnavailableAfterApply => GatewayResponse.Error(HttpStatusCode.ServiceUnavailable,
            "The service is currently unavailable. Please retry the request.", RequestCharges.Refused),
        FaultOutcome.Timeout or FaultOutcome.TimeoutAfterApply => GatewayResponse.Error(HttpStatusCode.RequestTimeout,
            "The request timed out.", RequestCharges.Refused),
        FaultOutcome.PartitionKeyRangeGone => GatewayResponse.Error(HttpStatusCode.Gone,
            "The partition key range is gone: it was split or merged.", RequestCharges.Refused, RangeRouting.PartitionKeyRangeGone),
        FaultOutcome.RetryWith => GatewayResponse.Error(RetryWith,
            "Conflicting request to resource has been attempted. Retry to avoid conflicts.", RequestCharges.Refused),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule.Outcome, "This outcome has no error answer."),
    };
}
