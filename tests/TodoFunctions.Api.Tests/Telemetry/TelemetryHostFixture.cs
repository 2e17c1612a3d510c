using System.Collections.ObjectModel;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace TodoFunctions.Api.Tests.Telemetry;

/// <summary>
/// A local host in this process whose OpenTelemetry pipeline (the app's own registration) also exports to memory.
/// The app's activity source and meter are process-wide, so the telemetry specifications run alone (see
/// <see cref="TelemetryCollection"/>): no other test's host adds to the counts.
/// </summary>
public sealed class TelemetryHostFixture : LocalHostFixture
{
    public ExportedItems<Activity> Spans { get; } = new();

    public ExportedItems<MetricSnapshot> Metrics { get; } = new();

    public ExportedItems<LogRecord> Logs { get; } = new();

    /// <summary>The metrics as of now: the meter provider is flushed first, so every measurement made so far is in.</summary>
    public IReadOnlyList<MetricSnapshot> CurrentMetrics()
    {
        Assert.True(Host.Services.GetRequiredService<MeterProvider>().ForceFlush());
        return Metrics.Snapshot();
    }

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans));
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(Metrics));
        services.Configure<OpenTelemetryLoggerOptions>(logging => logging.AddInMemoryExporter(Logs));
    }
}

/// <summary>What an in-memory exporter received, safe to read while the app's threads still export.</summary>
public sealed class ExportedItems<T> : Collection<T>
{
    private readonly Lock gate = new();

    public IReadOnlyList<T> Snapshot()
    {
        lock (gate) return [.. Items];
    }

    protected override void InsertItem(int index, T item)
    {
        lock (gate) base.InsertItem(index, item);
    }

    protected override void ClearItems()
    {
        lock (gate) base.ClearItems();
    }
}

/// <summary>The telemetry specifications of one host; run without other tests in parallel, for exact counts.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection : ICollectionFixture<TelemetryHostFixture>
{
    public const string Name = "telemetry";
}
