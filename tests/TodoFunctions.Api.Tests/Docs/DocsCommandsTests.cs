namespace TodoFunctions.Api.Tests.Docs;

/// <summary>
/// The docs' local commands, run: the README's set-up command, every curl session of the docs against the host it
/// starts, and the emulator's <c>--help</c>. <see cref="DocsConventionTests"/> holds every other line to being a copy.
/// </summary>
public sealed class DocsCommandsTests(ReadmeLocalHost host) : IClassFixture<ReadmeLocalHost>
{
    [Fact]
    public async Task The_readme_set_up_command_serves_the_api_and_its_five_curl_lines_create_complete_and_list()
    {
        var readme = CommandBlock.All.Where(block => block.Page == DocsPage.Readme && block.Info == CommandBlock.Local).ToList();
        Assert.Contains(readme, block => block.CommandLines.Contains(ReadmeLocalHost.Command));
        var curl = Assert.Single(readme, DocsConventionTests.IsCurlSession);
        Assert.Equal(5, curl.CommandLines.Count);

        var (exitCode, output) = await host.RunAsync(curl.Script);

        Assert.True(exitCode == 0, output);
        Assert.Contains("HTTP/1.1 201 Created", output);
        Assert.Contains("ETag: \"2\"", output);
        Assert.Contains("\"title\":\"water the plants\",\"completed\":true", output);
        Assert.Contains("\"type\":\"TodoCompleted\"", output);
    }

    [Fact]
    public async Task Every_curl_session_in_the_docs_runs_against_that_host_without_a_server_error_or_a_refused_key()
    {
        var sessions = CommandBlock.All.Where(block => block.Info == CommandBlock.Local && DocsConventionTests.IsCurlSession(block)).ToList();
        Assert.NotEmpty(sessions);
        foreach (var session in sessions)
        {
            var (exitCode, output) = await host.RunAsync(session.Script);
            Assert.True(exitCode == 0, $"{session.Where} exited with {exitCode}:\n{output}");
            Assert.False(DocsConventionTests.ServerErrorOrRefusedKey().IsMatch(output), $"{session.Where}:\n{output}");
        }
    }

    [Fact]
    public async Task The_emulator_help_command_of_the_docs_prints_its_options()
    {
        Assert.Contains(CommandBlock.All, block => block.Info == CommandBlock.Local && block.CommandLines.Contains(DocsConventionTests.EmulatorHelp));

        var (exitCode, output) = await host.RunAsync(DocsConventionTests.EmulatorHelp);

        Assert.True(exitCode == 0, output);
        Assert.Contains("--faults", output);
    }
}
