using Microsoft.Azure.Cosmos;
using TodoFunctions.ChaosSoak;
using TodoFunctions.Cosmos;

// The Cosmos SDK probes Azure's instance-metadata address when a client starts; never from here.
Environment.SetEnvironmentVariable("COSMOS_DISABLE_IMDS_ACCESS", "true");

SoakOptions options;
try
{
    options = SoakOptions.Parse(args);
}
catch (FormatException invalid)
{
    Console.Error.WriteLine($"{invalid.Message} Usage: --seed N --seconds S --replica-lag-ms L (or {SoakOptions.SeedVariable}, {SoakOptions.SecondsVariable}, {SoakOptions.ReplicaLagVariable}).");
    return 2;
}

Console.WriteLine($"Chaos soak: seed {options.Seed}, {options.Seconds} s of workload, replica lag {options.ReplicaLagMs} ms");
try
{
    await using var cluster = await SoakCluster.StartAsync(TimeSpan.FromMilliseconds(options.ReplicaLagMs));
    using var workload = new Workload(cluster, options.Seed);
    var duration = TimeSpan.FromSeconds(options.Seconds);

    cluster.Emulator.Faults.Install(SoakFaults.For(options.Seed));
    using (var stop = new CancellationTokenSource(duration))
        await Task.WhenAll(workload.RunAsync(stop.Token), MidRunChaos.RunAsync(cluster, options.Seed, duration));
    cluster.Emulator.Faults.Clear();
    var injected = cluster.Emulator.Faults.Injected;

    using var cosmos = new CosmosClient(cluster.Emulator.ConnectionString, new CosmosClientOptions { ConnectionMode = ConnectionMode.Gateway, LimitToEndpoint = true });
    using var http = new HttpClient();
    var events = cosmos.GetContainer(SoakCluster.DatabaseName, TodoStoreLayout.EventsContainer);
    var violations = new Violations();
    var readModel = new ReadModelChecks(cluster, events, http);
    var convergence = await readModel.AwaitConvergenceAsync(violations);
    var log = await StoredLog.ReadAsync(events);
    await readModel.CheckEveryTodoAsync(log, violations);
    await readModel.CheckNothingParkedAsync(violations);
    AnswerChecks.Check(workload.Exchanges, log, violations);
    IdempotencyChecks.Check(workload.Exchanges, log, violations);
    PagingChecks.Check(workload.Walks, workload.Exchanges, log, violations);
    var sessionReads = SessionReadChecks.Check(workload.SessionReads, log, violations);
    var monotonicReads = MonotonicReadChecks.Check(workload.Exchanges, workload.SessionReads, options.ReplicaLagMs > 0, violations);
    var trashSize = await TrashChecks.CheckAsync(cluster, http, log, violations);
    var statistics = await StatisticsChecks.CheckAsync(cluster, http, log, violations);
    var purged = await PurgeChecks.CheckAsync(cosmos.GetDatabase(SoakCluster.DatabaseName), cluster, http, log, workload.Exchanges, violations);

    SoakFigures.Print(injected, workload.Exchanges, workload.Walks, convergence);
    Console.WriteLine(PagingChecks.RepeatFigures(workload.Walks, log));
    Console.WriteLine(sessionReads);
    Console.WriteLine(monotonicReads);
    SoakFigures.PrintTrashAndStatistics(workload.Exchanges, purged, trashSize, statistics);
    Console.WriteLine($"Todos in the log: {log.Streams.Count}, events: {log.Streams.Values.Sum(stream => stream.Count)}");
    if (!violations.Any)
    {
        Console.WriteLine($"Every invariant held (seed {options.Seed}).");
        return 0;
    }
    violations.Print();
    Console.WriteLine($"The hosts' logs are written to {cluster.LogDirectory} when the soak ends.");
}
catch (Exception failure)
{
    Console.WriteLine($"The soak itself failed: {failure}");
}
Console.WriteLine($"replay with: {options.ReplayCommand}");
return 1;
