using TodoFunctions.Load;

namespace TodoFunctions.Api.Tests;

/// <summary>The HTTP load driver against a local host: it does what its mix says, and counts what it did.</summary>
public sealed class LoadDriverTests(CrudBaselineFixture fixture) : IClassFixture<CrudBaselineFixture>
{
    [Theory]
    [InlineData("todos")]
    [InlineData("crud/todos")]
    public async Task Two_clients_of_60_requests_send_every_method_of_the_mix_and_leave_the_todos_they_created_but_did_not_delete(string route)
    {
        // A count, not a time: the seeded mix then sends the same requests on a slow machine as on a fast one.
        var report = await LoadRun.RunAsync(new LoadOptions
        {
            ApiRoot = fixture.Host.BaseAddress, TodoRoute = route, Clients = 2, RequestsPerClient = 60, Duration = TimeSpan.FromMinutes(5),
        });

        Assert.Equal(120, report.Total.Succeeded + report.Total.Failures);
        Assert.Equal(0, report.Total.Failures);
        Assert.All(LoadMix.Default.Methods, method => Assert.True(report.Methods[method].Succeeded > 0, $"no {method} succeeded"));
        using var listed = await fixture.Client.GetAsync(route);
        var left = (await listed.ReadJsonAsync()).GetArrayLength();
        Assert.Equal(report.Methods[LoadMethod.Post].Succeeded - report.Methods[LoadMethod.Delete].Succeeded, left);
    }

    [Fact]
    public async Task Answers_other_than_the_expected_status_are_counted_as_failures_by_status_with_an_example()
    {
        var report = await LoadRun.RunAsync(new LoadOptions
        {
            ApiRoot = fixture.Host.BaseAddress, TodoRoute = "nothing/here", Clients = 1, Duration = TimeSpan.FromSeconds(0.5),
            Mix = LoadMix.Parse("post=1"),
        });

        Assert.Equal(0, report.Total.Succeeded);
        Assert.Equal([404], report.Methods[LoadMethod.Post].FailuresByStatus.Keys);
        Assert.Equal(report.Total.Failures, report.Methods[LoadMethod.Post].FailuresByStatus[404]);
        Assert.StartsWith("POST 404: {", Assert.Single(report.FailureExamples));
    }

    [Fact]
    public void The_command_line_reads_the_mix_the_headers_and_the_route()
    {
        var options = LoadArguments.Parse([
            "--url", "https://example.net/api", "--seconds", "5", "--clients", "3", "--requests", "7", "--mix", "post=1, list=2",
            "--header", "X-Wait-For-Read-Model: false", "--route", "crud/todos"]);

        Assert.Equal("https://example.net/api/crud/todos", options.TodosUrl);
        Assert.Equal((TimeSpan.FromSeconds(5), 3, 7), (options.Duration, options.Clients, options.RequestsPerClient));
        Assert.Equal([LoadMethod.Post, LoadMethod.List], options.Mix.Methods);
        Assert.Equal([("X-Wait-For-Read-Model", "false")], options.Headers);
        Assert.Throws<FormatException>(() => LoadArguments.Parse(["--url", "https://example.net/api", "--mix", "put=1"]));
    }
}
