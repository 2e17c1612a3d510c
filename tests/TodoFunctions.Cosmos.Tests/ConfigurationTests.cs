using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TodoFunctions.Cosmos.Tests;

public sealed class ConfigurationTests
{
    private const string EmulatorConnectionString =
        "AccountEndpoint=https://localhost:8081/;AccountKey=C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==;";

    // These clients are built without the emulator fixture, so nothing else has kept the SDK off Azure's VM-metadata address yet.
    public ConfigurationTests() => Environment.SetEnvironmentVariable("COSMOS_DISABLE_IMDS_ACCESS", "true");

    [Theory]
    [InlineData("ConnectionStrings:CosmosDb")]
    [InlineData("CosmosDb")]
    public void A_connection_string_to_a_local_emulator_gives_a_gateway_client_bound_to_that_endpoint(string setting)
    {
        using var services = Build(new() { [setting] = EmulatorConnectionString });

        var client = services.GetRequiredService<CosmosClient>();

        Assert.Equal(new Uri("https://localhost:8081/"), client.Endpoint);
        Assert.Equal(ConnectionMode.Gateway, client.ClientOptions.ConnectionMode);
        Assert.True(client.ClientOptions.LimitToEndpoint);
        Assert.NotNull(client.ClientOptions.ServerCertificateCustomValidationCallback);
        Assert.Same(services.GetRequiredService<CosmosClient>(), client);
    }

    [Fact]
    public void A_connection_string_to_a_remote_account_keeps_the_SDK_defaults_and_the_certificate_checks()
    {
        using var services = Build(new() { ["ConnectionStrings:CosmosDb"] = "AccountEndpoint=https://contoso.documents.azure.com:443/;AccountKey=a2V5;" });

        var client = services.GetRequiredService<CosmosClient>();

        Assert.Equal(ConnectionMode.Direct, client.ClientOptions.ConnectionMode);
        Assert.False(client.ClientOptions.LimitToEndpoint);
        Assert.Null(client.ClientOptions.ServerCertificateCustomValidationCallback);
    }

    [Fact]
    public void The_client_serializes_with_System_Text_Json()
    {
        using var services = Build(new() { ["CosmosDb"] = EmulatorConnectionString });

        Assert.NotNull(services.GetRequiredService<CosmosClient>().ClientOptions.UseSystemTextJsonSerializerWithOptions);
    }

    [Fact]
    public void Without_any_Cosmos_setting_resolving_the_client_fails_naming_the_settings_to_set()
    {
        using var services = Build([]);

        var failure = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<CosmosClient>());

        Assert.Contains("ConnectionStrings:CosmosDb", failure.Message);
        Assert.Contains("CosmosDb__accountEndpoint", failure.Message);
    }

    [Fact]
    public void Store_options_default_to_the_layout_and_bind_from_the_TodoStore_section()
    {
        using var defaults = Build([]);
        using var configured = Build(new()
        {
            ["TodoStore:DatabaseName"] = "other",
            ["TodoStore:ReadYourWritesTimeout"] = "00:00:02",
            ["TodoStore:CreateContainersIfMissing"] = "true",
            ["TodoStore:MaxConcurrencyRetries"] = "3",
            ["TodoStore:AlternateReadModelContainer"] = "view-2",
            ["TodoStore:MaxApplyAttempts"] = "5",
            ["TodoStore:ReadModelPointerCacheDuration"] = "00:00:01",
        });

        var byDefault = defaults.GetRequiredService<IOptions<TodoStoreOptions>>().Value;
        Assert.Equal(
            (TodoStoreLayout.DatabaseName, TodoStoreLayout.EventsContainer, TodoStoreLayout.ReadModelContainer, TodoStoreLayout.LeasesContainer),
            (byDefault.DatabaseName, byDefault.EventsContainer, byDefault.ReadModelContainer, byDefault.LeasesContainer));
        Assert.Equal((TimeSpan.FromSeconds(5), false, 10), (byDefault.ReadYourWritesTimeout, byDefault.CreateContainersIfMissing, byDefault.MaxConcurrencyRetries));
        Assert.Equal((TodoStoreLayout.AlternateReadModelContainer, 3, TimeSpan.FromSeconds(5)),
            (byDefault.AlternateReadModelContainer, byDefault.MaxApplyAttempts, byDefault.ReadModelPointerCacheDuration));
        var bound = configured.GetRequiredService<IOptions<TodoStoreOptions>>().Value;
        Assert.Equal(("other", TimeSpan.FromSeconds(2), true, 3), (bound.DatabaseName, bound.ReadYourWritesTimeout, bound.CreateContainersIfMissing, bound.MaxConcurrencyRetries));
        Assert.Equal(("view-2", 5, TimeSpan.FromSeconds(1)), (bound.AlternateReadModelContainer, bound.MaxApplyAttempts, bound.ReadModelPointerCacheDuration));
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddTodoCosmos(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();
}
