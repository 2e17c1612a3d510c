using TodoFunctions.Local;

await using var host = await LocalHost.StartAsync(new LocalHostOptions { Args = args });
Console.WriteLine($"Todo API: {host.BaseAddress}todos");
Console.WriteLine($"Cosmos DB: {host.CosmosDescription}");
Console.WriteLine($"Storage: {host.StorageDescription}");
Console.WriteLine(host.FunctionKey.IsGenerated
    ? $"Admin API key ({FunctionKey.Header} header): {host.FunctionKey.Value} (made up for this run; set {FunctionKey.Setting} to keep one)"
    : $"Admin API key ({FunctionKey.Header} header): from {FunctionKey.Setting}");
await host.WaitForShutdownAsync();
