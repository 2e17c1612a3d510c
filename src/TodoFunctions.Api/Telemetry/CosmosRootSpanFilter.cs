using System.Diagnostics;
using OpenTelemetry;

namespace TodoFunctions.Api.Telemetry;

/// <summary>
/// Keeps the Cosmos DB SDK's spans only as children of the app's work (an HTTP request, a <c>todo.project</c> span):
/// a Cosmos span without a parent is the change-feed processor polling, estimating or renewing leases of an idle
/// instance, about three a second, which would otherwise be exported as that many dependency rows. A processor rather
/// than a sampler, because the Azure Monitor exporter installs its own sampler; an activity left unrecorded here is
/// exported by no processor, and its children are dropped by the parent-based samplers.
/// </summary>
internal sealed class CosmosRootSpanFilter : BaseProcessor<Activity>
{
    public override void OnStart(Activity data)
    {
        if (data.Source.Name != TodoTelemetryServiceCollectionExtensions.CosmosActivitySource || data.ParentSpanId != default) return;
        data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        data.IsAllDataRequested = false;
    }
}
