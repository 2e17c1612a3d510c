using System.Diagnostics;
using Microsoft.Playwright;
using TodoFunctions.Api.Queues;
using TodoFunctions.Cosmos;
using TodoFunctions.Local;
using TodoFunctions.Testing;

namespace TodoFunctions.WebApp.Tests;

/// <summary>
/// The local host on a free port (over the suite's Cosmos DB endpoint and an Azurite of its own) and Debian's chromium
/// driven by Playwright. Playwright's browser download is unreachable here, so the browser is named by
/// <see cref="ChromiumVariable"/>, by default <c>/usr/bin/chromium</c>.
/// </summary>
public sealed class WebAppFixture : IAsyncLifetime
{
    public const string ChromiumVariable = "TODOFUNCTIONS_CHROMIUM";

    private readonly CosmosEndpoint cosmos = new();
    private AzuriteQueueService? azurite;
    private IPlaywright? playwright;

    public LocalHost Host { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>A client whose base address is the API root, <c>…/api/</c>, to check what the page did.</summary>
    public HttpClient Api { get; private set; } = null!;

    /// <summary>Where the web app is served: the site root.</summary>
    public Uri AppAddress => new(Host.BaseAddress, "/");

    public async Task InitializeAsync()
    {
        await cosmos.InitializeAsync();
        azurite = await AzuriteQueueService.StartAsync(new AzuriteOptions());
        Host = await LocalHost.StartAsync(new LocalHostOptions
        {
            Urls = "http://127.0.0.1:0",
            Settings = new Dictionary<string, string?>
            {
                [TodoStoreLayout.ConnectionSettingName] = cosmos.ConnectionString,
                ["TodoStore:DatabaseName"] = cosmos.UniqueName("web-app-tests"),
                [ProjectionQueues.ConnectionSetting] = azurite.ConnectionString,
                [StorageQueues.NamePrefixSetting] = $"w{Guid.NewGuid():N}"[..10] + "-",
                ["Logging:LogLevel:Default"] = "Warning",
            },
        });
        Api = new HttpClient { BaseAddress = Host.BaseAddress };
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } path ? path : "/usr/bin/chromium",
            Headless = true,
            // Chromium's sandbox needs user namespaces, which a container running as root does not give it.
            Args = ["--no-sandbox"],
        });
    }

    /// <summary>A fresh browser context (its own cookies and cache, as a second user has) with the app open and loaded.</summary>
    public async Task<IPage> OpenAppAsync(string? apiRoot = null)
    {
        var context = await Browser.NewContextAsync();
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        var address = apiRoot is null ? AppAddress.ToString() : $"{AppAddress}?api={Uri.EscapeDataString(apiRoot)}";
        await page.GotoAsync(address);
        await page.Locator("body[data-ready=true]").WaitForAsync();
        return page;
    }

    /// <summary>Starts each specification from an empty list (the trash keeps what earlier ones deleted).</summary>
    public async Task ClearListAsync()
    {
        using var response = await Api.DeleteAsync("todos");
        response.EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
        if (Host is not null) await Host.DisposeAsync();
        if (azurite is not null) await azurite.DisposeAsync();
        await cosmos.DisposeAsync();
    }
}

/// <summary>The specifications that share one host and browser; they run one after another and clear the list first.</summary>
[CollectionDefinition(Name)]
public sealed class WebAppCollection : ICollectionFixture<WebAppFixture>
{
    public const string Name = "web app";
}

/// <summary>Prints how long each browser specification took, for the figures.</summary>
public abstract class TimedSpecification(WebAppFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly Stopwatch watch = new();

    /// <summary>Playwright's expectations retry for 5 s by default; a shared, loaded machine needs a generous liveness bound.</summary>
    static TimedSpecification() => Assertions.SetDefaultExpectTimeout(30_000);

    protected WebAppFixture Fixture => fixture;

    protected ITestOutputHelper Output => output;

    public async Task InitializeAsync()
    {
        await fixture.ClearListAsync();
        watch.Start();
    }

    public Task DisposeAsync()
    {
        output.WriteLine($"duration: {watch.Elapsed.TotalMilliseconds:F0} ms");
        return Task.CompletedTask;
    }
}
