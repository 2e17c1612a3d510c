using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TodoFunctions.Cosmos;
using TodoFunctions.Domain;
using TodoFunctions.Local;

namespace TodoFunctions.Benchmarks;

/// <summary>
/// What each command costs in Cosmos round trips and RU, through the command service so that every request the SDK
/// sends is attributed to its command. The events container's requests are the command's own (load and append); the
/// rest (read containers, and the read-model pointer in the leases container) are what read-your-writes adds to a
/// command, or the read itself for get and list. Read-your-writes is measured on the host that holds the leases and
/// on one that holds none.
/// </summary>
internal static class CommandCostBenchmark
{
    private const int Samples = 20;
    private const int ListPageLimit = 50;
    private const int LongStream = 1_000;
    private const string Update = "update";

    public static async Task RunAsync(CosmosRequestLog log, LocalHost leaseHolder, LocalHost otherHost)
    {
        var modes = new (string Name, LocalHost Host, bool Wait)[]
        {
            ("without waiting", leaseHolder, false),
            ("read-your-writes, lease holder", leaseHolder, true),
            ("read-your-writes, other host", otherHost, true),
        };
        var ids = new List<Guid>();
        foreach (var (mode, host, wait) in modes)
        {
            var commands = host.Services.GetRequiredService<TodoCommandService>();
            var context = new CommandContext("benchmark", WaitForReadModel: wait);
            for (var i = 0; i < Samples; i++)
            {
                var created = await MeasureAsync($"create, {mode}", () => commands.CreateAsync(new CreateTodo("cost"), context, CancellationToken.None));
                var id = ((CommandOutcome.Succeeded)created).Todo.Id;
                ids.Add(id);
                await MeasureAsync($"{Update}, {mode}", () => commands.ExecuteAsync(id, new UpdateTodo(Completed: true), context, CancellationToken.None));
                await MeasureAsync($"delete, {mode}", () => commands.ExecuteAsync(id, new DeleteTodo(), context, CancellationToken.None));
                await MeasureAsync($"restore, {mode}", () => commands.ExecuteAsync(id, new RestoreTodo(), context, CancellationToken.None));
            }
        }

        var readModel = leaseHolder.Services.GetRequiredService<TodoReadModel>();
        foreach (var id in ids.Take(Samples))
            await MeasureAsync("get", () => readModel.GetAsync(id, cancellationToken: CancellationToken.None));
        for (var i = 0; i < Samples; i++)
            await MeasureAsync($"list page ({ListPageLimit} todos)", () => readModel.ListPageAsync(ListPageLimit, null, CancellationToken.None));

        var noWait = new CommandContext("benchmark", WaitForReadModel: false);
        var leaseHolderCommands = leaseHolder.Services.GetRequiredService<TodoCommandService>();
        var longStream = ((CommandOutcome.Succeeded)await leaseHolderCommands.CreateAsync(new CreateTodo("long"), noWait, CancellationToken.None)).Todo.Id;
        for (var order = 2; order < LongStream; order++)
            await leaseHolderCommands.ExecuteAsync(longStream, new UpdateTodo(Order: order), noWait, CancellationToken.None);
        var longUpdate = $"{Update} of a {LongStream:N0}-event stream, without waiting";
        for (var i = 0; i < Samples; i++)
            await MeasureAsync(longUpdate, () => leaseHolderCommands.ExecuteAsync(longStream, new UpdateTodo(Title: $"long {i}"), noWait, CancellationToken.None));

        var events = leaseHolder.Services.GetRequiredService<IOptions<TodoStoreOptions>>().Value.EventsContainer;
        Console.WriteLine($"Cosmos round trips and RU per operation ({Samples} samples each, through the command service). The events container's");
        Console.WriteLine("requests are the command's own; the read side's are what read-your-writes adds to a command, or the read itself:");
        Console.WriteLine($"  {"operation",-56} {"events: trips",13} {"RU",7}   {"read side: trips",16} {"RU",7}");
        string[] commandNames = ["create", Update, "delete", "restore"];
        var operations = commandNames.SelectMany(command => modes.Select(mode => $"{command}, {mode.Name}"))
            .Concat([longUpdate, "get", $"list page ({ListPageLimit} todos)"]);
        foreach (var operation in operations)
        {
            var (own, readSide) = OperationCost.Of(log.Requests, operation, events, Samples);
            Console.WriteLine($"  {operation,-56} {own.Trips,13:0.0#} {own.Charge,7:0.0#}   {readSide.Trips,16:0.0#} {readSide.Charge,7:0.0#}");
        }
        var shortUpdate = OperationCost.Of(log.Requests, $"{Update}, without waiting", events, Samples).Own;
        var longCost = OperationCost.Of(log.Requests, longUpdate, events, Samples).Own;
        Console.WriteLine($"  update of a {LongStream:N0}-event stream / of a 1-event stream: {longCost.Trips / shortUpdate.Trips:0.0#}x round trips, {longCost.Charge / shortUpdate.Charge:0.0#}x RU");

        async Task<T> MeasureAsync<T>(string operation, Func<Task<T>> run)
        {
            using (log.Measure(operation)) return await run();
        }
    }
}
