using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;
using OpenTelemetry.Logs;
using TodoFunctions.Api.Http;
using TodoFunctions.CosmosEmulator.Faults;
using TodoFunctions.Testing;
using static TodoFunctions.Api.Tests.HttpExtensions;

namespace TodoFunctions.Api.Tests.Telemetry;

/// <summary>A log written during a request carries its trace, its span and the correlation id its client sees.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class LogCorrelationTests(TelemetryHostFixture fixture)
{
    [EmbeddedEmulatorFact]
    public async Task A_warning_logged_under_a_request_carries_its_trace_span_and_correlation_id()
    {
        var todo = await fixture.Client.CreateTodoAsync("""{"title":"logged"}""");
        var id = todo.GetProperty("id").GetString()!;
        var client = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var correlationId = $"log-test-{Guid.NewGuid():N}";
        // The write-through of this PATCH times out, which the command logs as a warning and leaves to the projector.
        fixture.Emulator!.Faults.Install(new FaultPlan
        {
            Seed = 13,
            Rules = [new FaultRule { Operations = [FaultOperation.Patch, FaultOperation.Replace, FaultOperation.Create], Container = "todo-view",
                                     PartitionKey = new JValue(id), Outcome = FaultOutcome.Timeout, ForMs = 1500 }],
        });
        try
        {
            using var patch = new HttpRequestMessage(HttpMethod.Patch, todo.Url()) { Content = Json("""{"completed":true}""") };
            patch.Headers.Add("traceparent", $"00-{client.TraceId}-{client.SpanId}-01");
            patch.Headers.Add(TodoHttp.CorrelationIdHeader, correlationId);
            using var response = await fixture.Client.SendAsync(patch);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            fixture.Emulator.Faults.Clear();
        }

        var log = Assert.Single(fixture.Logs.Snapshot(), record => record.TraceId == client.TraceId && record.LogLevel == LogLevel.Warning);
        Assert.NotEqual(default, log.SpanId);
        var scope = Scope(log);
        Assert.Equal(correlationId, scope[TodoHttp.CorrelationIdLogProperty]);
        Assert.Equal(client.TraceId.ToString(), scope["TraceId"]);
        Assert.Equal(log.SpanId.ToString(), scope["SpanId"]);
    }

    private static Dictionary<string, string?> Scope(LogRecord log)
    {
        var scope = new Dictionary<string, string?>();
        log.ForEachScope((entries, state) =>
        {
            foreach (var (key, value) in entries) state[key] = value?.ToString();
        }, scope);
        return scope;
    }
}
