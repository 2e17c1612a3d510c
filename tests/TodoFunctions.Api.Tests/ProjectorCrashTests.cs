using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TodoFunctions.Api.Queues;
using TodoFunctions.Cosmos;
using TodoFunctions.Domain;
using TodoFunctions.Local;
using TodoFunctions.Testing;

namespace TodoFunctions.Api.Tests;

/// <summary>
/// The change feed checkpoint never passes an event that is neither applied nor durably parked: a host killed with
/// SIGKILL while it projects loses nothing, because the next host starts from the last checkpoint.
/// </summary>
public sealed class ProjectorCrashTests(ProjectorCrashTests.Data data) : IClassFixture<ProjectorCrashTests.Data>
{
    private const int Todos = 300;
    private const int PoisonEvery = 60;

    [Fact]
    public async Task A_host_killed_mid_projection_leaves_nothing_skipped_the_next_host_projects_every_event_and_parks_every_poison_event()
    {
        var commands = data.Services.GetRequiredService<TodoCommandService>();
        var context = new CommandContext("crash-test", WaitForReadModel: false);
        var poisoned = new List<(Guid TodoId, long Version)>();
        var first = await LocalHostProcess.StartAsync(data.Settings);
        try
        {
            for (var i = 0; i < Todos; i++)
            {
                // Killed half-way through the writes, once it is seen projecting: it is busy with the ones before.
                if (i == Todos / 2) await KillOnceProjectingAsync(first);
                var id = ((CommandOutcome.Succeeded)await commands.CreateAsync(new CreateTodo($"todo {i}", Order: i), context, CancellationToken.None)).Todo.Id;
                await commands.ExecuteAsync(id, new UpdateTodo(Title: $"todo {i} changed", Completed: true), context, CancellationToken.None);
                if (i % PoisonEvery == 0)
                {
                    await data.Events.AppendAsync(id, "todo_archived", new { reason = "written by a newer app" });
                    poisoned.Add((id, 4));
                }
                await commands.ExecuteAsync(id, new UpdateTodo(Order: Todos + i), context, CancellationToken.None);
            }
        }
        finally
        {
            await first.DisposeAsync();
        }

        await using var second = await LocalHostProcess.StartAsync(data.Settings);
        using var client = new HttpClient { BaseAddress = second.BaseAddress };
        client.DefaultRequestHeaders.Add(FunctionKey.Header, LocalHostFixture.AdminKey);

        Assert.True(await Eventually.ReadAsync(() => data.Events.ReadModelMatchesAsync(client), matches => matches, "the read model to equal the fold of every stream"));
        var parked = await Eventually.ReadAsync(
            async () => (await (await client.GetAsync("admin/projections/todos/parked")).ReadJsonAsync()).EnumerateArray()
                .Select(todo => (Projection: todo.GetProperty("projection").GetString(), Todo: (todo.GetProperty("todoId").GetGuid(), todo.GetProperty("parkedAtVersion").GetInt64())))
                .ToList(),
            todos => todos.Count >= 2 * poisoned.Count,
            "every poison event to park its todo, in the todo view and the statistics");
        foreach (var projection in new[] { "statistics", "todos" })
            Assert.Equal(poisoned.Order(), parked.Where(todo => todo.Projection == projection).Select(todo => todo.Todo).Order());
        // At least once: a host killed between the record and its checkpoint records the event again.
        var deadLetters = (await data.Storage.Queue(ProjectionQueues.DeadLetters).PeekMessagesAsync(maxMessages: 32)).Value
            .Select(message => JsonDocument.Parse(message.Body).RootElement.GetProperty("todoId").GetGuid()).ToHashSet();
        Assert.All(poisoned, poison => Assert.Contains(poison.TodoId, deadLetters));
    }

    private static async Task KillOnceProjectingAsync(LocalHostProcess host)
    {
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        await Eventually.ReadAsync(client.ListTodosAsync, todos => todos.Length > 0, "the first host to project");
        await host.KillAsync();
    }

    /// <summary>The Cosmos DB database and storage account the host processes share, and this test's own view of them.</summary>
    public sealed class Data : IAsyncLifetime
    {
        private readonly CosmosEndpoint cosmos = new();

        public StorageEndpoint Storage { get; } = new();

        public IReadOnlyDictionary<string, string?> Settings { get; private set; } = null!;

        /// <summary>The app's own Cosmos DB services, without a host: commands are written straight into the event store.</summary>
        public ServiceProvider Services { get; private set; } = null!;

        internal EventLog Events { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await Task.WhenAll(cosmos.InitializeAsync(), Storage.InitializeAsync());
            Settings = new Dictionary<string, string?>(Storage.Settings)
            {
                [TodoStoreLayout.ConnectionSettingName] = cosmos.ConnectionString,
                ["TodoStore:DatabaseName"] = cosmos.UniqueName("crash-tests"),
                ["TodoStore:CreateContainersIfMissing"] = "true",
                // The restarted host is the same instance, as a restarted machine is: it resumes its own leases at once
                // instead of waiting for the dead one's to expire.
                ["TodoStore:InstanceName"] = "crash-test-host",
                [FunctionKey.Setting] = LocalHostFixture.AdminKey,
                ["Logging:LogLevel:Default"] = "Warning",
            };
            Services = new ServiceCollection().AddLogging().AddTodoCosmos(new ConfigurationBuilder().AddInMemoryCollection(Settings).Build()).BuildServiceProvider();
            // The only hosted service here creates the database and containers, as the host would at start-up.
            foreach (var initializer in Services.GetServices<IHostedService>()) await initializer.StartAsync(CancellationToken.None);
            var options = Services.GetRequiredService<IOptions<TodoStoreOptions>>().Value;
            Events = new EventLog(Services.GetRequiredService<CosmosClient>().GetContainer(options.DatabaseName, options.EventsContainer));
        }

        public async Task DisposeAsync()
        {
            if (!cosmos.IsEmbedded) await Services.GetRequiredService<CosmosClient>().GetDatabase(Settings["TodoStore:DatabaseName"]).DeleteAsync();
            await Services.DisposeAsync();
            await Task.WhenAll(cosmos.DisposeAsync(), Storage.DisposeAsync());
        }
    }
}
