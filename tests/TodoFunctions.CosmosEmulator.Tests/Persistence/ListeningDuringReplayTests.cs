using System.Net;
using System.Net.Sockets;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Persistence;
using TodoFunctions.Testing;

namespace TodoFunctions.CosmosEmulator.Tests.Persistence;

/// <summary>The listener starts while the data directory replays: what arrives meanwhile waits for the data, and a
/// replay that fails fails the start and frees the port.</summary>
public sealed class ListeningDuringReplayTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), $"emulator-listening-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(dataDirectory))
            Directory.Delete(dataDirectory, recursive: true);
    }

    [EmbeddedEmulatorFact]
    public async Task A_request_made_while_the_data_replays_is_answered_once_it_has_from_the_replayed_data()
    {
        await WriteOneItemAsync();
        var journal = new HeldJournal(new FileJournal(dataDirectory));
        var port = FreePort();

        var starting = CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { Port = port, Journal = journal });
        bool answeredBeforeTheData;
        Task<ItemResponse<JObject>> read;
        using var client = EmbeddedEmulatorTests.Client(ConnectionString(port));
        try
        {
            await journal.Replaying.WaitAsync(Patience);
            await ListeningAsync(port);
            read = client.GetContainer("kept", "todos").ReadItemAsync<JObject>("a", new PartitionKey("p"));
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            answeredBeforeTheData = read.IsCompleted;
        }
        finally
        {
            journal.Release();
        }
        await using var emulator = await starting.WaitAsync(Patience);

        Assert.False(answeredBeforeTheData);
        Assert.Equal("a", (await read.WaitAsync(Patience)).Resource.Value<string>("id"));
    }

    [EmbeddedEmulatorFact]
    public async Task A_listener_that_cannot_start_fails_the_start_only_once_the_replay_is_done_with_the_journal()
    {
        var journal = new HeldJournal(new FileJournal(dataDirectory));
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();

        var starting = CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { Port = ((IPEndPoint)taken.LocalEndpoint).Port, Journal = journal });
        bool finishedDuringReplay;
        try
        {
            await journal.Replaying.WaitAsync(Patience);
            await Task.WhenAny(starting, Task.Delay(TimeSpan.FromMilliseconds(300)));
            finishedDuringReplay = starting.IsCompleted || journal.Disposed;
        }
        finally
        {
            journal.Release();
        }

        await Assert.ThrowsAsync<IOException>(() => starting.WaitAsync(Patience));
        Assert.False(finishedDuringReplay);
        Assert.True(journal.Disposed);
    }

    [EmbeddedEmulatorFact]
    public async Task A_replay_that_fails_fails_the_start_answers_what_waited_with_503_and_frees_the_port()
    {
        var journal = new HeldJournal(new FileJournal(dataDirectory), failure: new InvalidDataException("damaged at line 7"));
        var port = FreePort();

        var starting = CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { Port = port, Journal = journal });
        using var http = new HttpClient();
        Task<HttpResponseMessage> waiting;
        try
        {
            await journal.Replaying.WaitAsync(Patience);
            await ListeningAsync(port);
            waiting = http.GetAsync(new Uri($"http://127.0.0.1:{port}/"));
            await Task.Delay(TimeSpan.FromMilliseconds(300));
        }
        finally
        {
            journal.Release();
        }
        var failure = await Assert.ThrowsAsync<InvalidDataException>(() => starting.WaitAsync(Patience));
        using var answer = await waiting.WaitAsync(Patience);

        Assert.Equal("damaged at line 7", failure.Message);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        using var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
    }

    private async Task WriteOneItemAsync()
    {
        await using var emulator = await CosmosEmulatorServer.StartAsync(new CosmosEmulatorOptions { DataDirectory = dataDirectory });
        using var client = EmbeddedEmulatorTests.Client(emulator);
        var container = await (await client.CreateDatabaseAsync("kept")).Database.CreateContainerAsync("todos", "/pk");
        await container.Container.CreateItemAsync(new JObject { ["id"] = "a", ["pk"] = "p" }, new PartitionKey("p"));
    }

    private static string ConnectionString(int port) =>
        $"AccountEndpoint=http://127.0.0.1:{port}/;AccountKey={CosmosEmulatorOptions.WellKnownAccountKey};";

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task ListeningAsync(int port)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (true)
        {
            using var connection = new TcpClient();
            try
            {
                await connection.ConnectAsync(IPAddress.Loopback, port, deadline.Token);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), deadline.Token);
            }
        }
    }

    /// <summary>A journal whose replay waits to be released, then replays the journal it wraps or fails.</summary>
    private sealed class HeldJournal(IJournal journal, Exception? failure = null) : IJournal
    {
        private readonly TaskCompletionSource replaying = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ManualResetEventSlim released = new();

        public Task Replaying => replaying.Task;

        public bool Disposed { get; private set; }

        public void Release() => released.Set();

        public void Append(JournalEntry entry) => journal.Append(entry);

        public void Replay(Action<JournalEntry> apply)
        {
            replaying.SetResult();
            released.Wait(Patience);
            if (failure is not null)
                throw failure;
            journal.Replay(apply);
        }

        public Task CompactAsync() => journal.CompactAsync();

        public void Dispose()
        {
            Disposed = true;
            journal.Dispose();
        }
    }
}
