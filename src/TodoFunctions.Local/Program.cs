using TodoFunctions.Local;

await using var host = await LocalHost.StartAsync(new LocalHostOptions { Args = args });
Console.WriteLine($"Todo API: {host.BaseAddress}todos");
Console.WriteLine($"Cosmos DB: {host.CosmosDescription}");
await host.WaitForShutdownAsync();
