using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using TodoFunctions.CosmosEmulator.Server;
using TodoFunctions.CosmosEmulator.Store;

namespace TodoFunctions.CosmosEmulator.Faults;

/// <summary>
/// Holds the fault plan in force, decides for each gateway request whether a rule hits it, applies the outcome
/// and keeps a record of every fault injected. Control requests (<c>/_emulator/…</c>) never pass through here.
/// </summary>
public sealed class FaultInjector
{
    private readonly Account account;
    private readonly TimeProvider clock;
    private readonly ILogger requestLog;
    private readonly ConcurrentQueue<InjectedFault> injected = new();
    private volatile InstalledPlan? installed;

    internal FaultInjector(Account account, TimeProvider clock, ILogger requestLog)
    {
        this.account = account;
        this.clock = clock;
        this.requestLog = requestLog;
    }

    /// <summary>The plan in force, with the seed it runs on; null when none is.</summary>
    public FaultPlan? Plan => installed?.Plan;

    /// <summary>Every fault injected since the emulator started, in the order they were decided.</summary>
    public IReadOnlyList<InjectedFault> Injected => [.. injected];

    /// <summary>Replaces the plan in force; time windows and per-resource request counts start again from now.
    /// Returns the plan as installed: with a random seed when it had none.</summary>
    public FaultPlan Install(FaultPlan plan)
    {
        plan.Validate();
        var seeded = plan with { Seed = plan.Seed ?? Random.Shared.NextInt64(1, 1L << 53) };
        installed = new InstalledPlan(seeded, clock.GetUtcNow());
        requestLog.LogInformation("Fault plan installed: {RuleCount} rules, seed {Seed}", seeded.Rules.Count, seeded.Seed);
        return seeded;
    }

    public void Clear()
    {
        installed = null;
        requestLog.LogInformation("Fault plan cleared");
    }

    /// <summary>Answers the request through <paramref name="respond"/>, unless a rule delays, refuses or drops it;
    /// null when the connection was dropped.</summary>
    internal async Task<GatewayResponse?> RespondAsync(GatewayRequest request, Func<Task<GatewayResponse>> respond)
    {
        var plan = installed;
        if (plan is null || plan.Plan.Rules.Count == 0)
            return await respond();
        var (delay, failure) = await DecideAsync(plan, request);
        if (delay > TimeSpan.Zero)
            await Task.Delay(delay, clock, request.Aborted);
        switch (failure?.Outcome)
        {
            case null or FaultOutcome.Latency:
                return await respond();
            case FaultOutcome.DropConnection:
                request.Context.Abort();
                return null;
            case FaultOutcome.DropConnectionAfterApply:
                await respond();
                request.Context.Abort();
                return null;
            case FaultOutcome.TimeoutAfterApply or FaultOutcome.ServiceUnavailableAfterApply:
                // The service's error answer still carries the session token of the write it applied, so a client can
                // read its own (unacknowledged) write to find out whether it happened.
                var applied = await respond();
                return FaultResponses.For(failure)
                    .With(CosmosHeaders.SessionToken, applied.Headers.GetValueOrDefault(CosmosHeaders.SessionToken));
            default:
                return FaultResponses.For(failure);
        }
    }

    // Every rule that matches counts the request; latency rules add up, the first other rule that fires decides.
    private async Task<(TimeSpan Delay, FaultRule? Failure)> DecideAsync(InstalledPlan plan, GatewayRequest request)
    {
        var target = await FaultTarget.OfAsync(request, account);
        var now = clock.GetUtcNow();
        var delay = TimeSpan.Zero;
        FaultRule? failure = null;
        for (var index = 0; index < plan.Plan.Rules.Count; index++)
        {
            var rule = plan.Plan.Rules[index];
            if (!Matches(rule, target) || !InWindow(rule, now - plan.InstalledAt))
                continue;
            var number = plan.NextRequestNumber(index, target);
            var seed = plan.Plan.Seed!.Value;
            var fires = (rule.Next is null || number < rule.Next)
                && (rule.Probability >= 1 || SeededDraw.Of(seed, index, "fire", target, number) < rule.Probability);
            if (!fires || (failure is not null && rule.Outcome != FaultOutcome.Latency))
                continue;
            var ruleDelay = TimeSpan.FromMilliseconds(rule.LatencyMaxMs is { } max
                ? rule.LatencyMs + Math.Floor(SeededDraw.Of(seed, index, "latency", target, number) * (max - rule.LatencyMs + 1))
                : rule.LatencyMs);
            delay += ruleDelay;
            if (rule.Outcome != FaultOutcome.Latency)
                failure = rule;
            Record(new InjectedFault(rule.Outcome, target.Operation, target.Container, target.PartitionKey, target.ItemId, index, number, ruleDelay, now), request);
        }
        return (delay, failure);
    }

    private static bool Matches(FaultRule rule, FaultTarget target) =>
        (rule.Operations.Count == 0 || rule.Operations.Contains(target.Operation))
        && (rule.Container is null || rule.Container == target.Container)
        && (rule.PartitionKey is null || PartitionKeyPath.FromHeader(Json.Compact(new Newtonsoft.Json.Linq.JArray(rule.PartitionKey))) == target.PartitionKey);

    private static bool InWindow(FaultRule rule, TimeSpan sinceInstalled) =>
        sinceInstalled >= TimeSpan.FromMilliseconds(rule.AfterMs)
        && (rule.ForMs is null || sinceInstalled < TimeSpan.FromMilliseconds(rule.AfterMs + rule.ForMs.Value));

    private void Record(InjectedFault fault, GatewayRequest request)
    {
        injected.Enqueue(fault);
        requestLog.LogInformation(
            "Injected {Fault} into {Method} {Path}: {Operation} of container {Container}, partition key {PartitionKey}, item {ItemId} (rule {Rule}, request {RequestNumber}, delay {DelayMs} ms)",
            fault.Kind, request.Method, request.Context.Request.Path.Value, fault.Operation, fault.Container, fault.PartitionKey,
            fault.ItemId, fault.Rule, fault.RequestNumber, fault.Delay.TotalMilliseconds);
    }

    private sealed class InstalledPlan(FaultPlan plan, DateTimeOffset installedAt)
    {
        private readonly ConcurrentDictionary<(int Rule, FaultTarget Target), StrongBox<long>> requestCounts = new();

        public FaultPlan Plan => plan;

        public DateTimeOffset InstalledAt => installedAt;

        public long NextRequestNumber(int rule, FaultTarget target) =>
            Interlocked.Increment(ref requestCounts.GetOrAdd((rule, target), _ => new StrongBox<long>(-1)).Value);
    }
}
