namespace TodoFunctions.CosmosEmulator.Faults;

/// <summary>One fault the emulator injected: what, to which request, by which rule, and when.</summary>
/// <param name="RequestNumber">The request's number (from 0) among those the rule matched on this resource.</param>
public sealed record InjectedFault(
    FaultOutcome Kind,
    FaultOperation Operation,
    string? Container,
    string? PartitionKey,
    string? ItemId,
    int Rule,
    long RequestNumber,
    TimeSpan Delay,
    DateTimeOffset Time);
