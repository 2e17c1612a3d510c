using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;

namespace TodoFunctions.Infra.Tests;

/// <summary>
/// One long-lived <c>bicep jsonrpc --stdio</c> process: after its first request warms it up, a compile or a snapshot
/// takes a fraction of a fresh CLI process's start-up, which is what makes re-running the suite per breakage affordable.
/// Requests are sent one at a time (Content-Length framing, as in the language server protocol).
/// </summary>
public sealed partial class BicepRpc : IAsyncDisposable
{
    private readonly Process process;
    private readonly SemaphoreSlim oneAtATime = new(1, 1);
    private int nextId;

    private BicepRpc(Process process) => this.process = process;

    public static BicepRpc Start()
    {
        var startInfo = new ProcessStartInfo(BicepCli.ExecutablePath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
        };
        startInfo.ArgumentList.Add("jsonrpc");
        startInfo.ArgumentList.Add("--stdio");
        // The parameter files read azd's variables (AZURE_ENV_NAME, AZURE_LOCATION, …): without them, as on a machine
        // with no azd environment, the snapshots take the files' fallbacks, whatever the caller's shell has set.
        foreach (var variable in EnvironmentVariablesReadBy(BicepCli.InfraDirectory))
        {
            startInfo.Environment.Remove(variable);
        }

        return new BicepRpc(Process.Start(startInfo)!);
    }

    /// <summary>Every variable a <c>.bicepparam</c> file in <paramref name="infraDirectory"/> reads with <c>readEnvironmentVariable</c>.</summary>
    public static IReadOnlySet<string> EnvironmentVariablesReadBy(string infraDirectory) =>
        Directory.EnumerateFiles(infraDirectory, "*.bicepparam", SearchOption.AllDirectories)
            .SelectMany(file => ReadEnvironmentVariable().Matches(File.ReadAllText(file)))
            .Select(match => match.Groups["name"].Value)
            .ToHashSet();

    /// <summary><c>bicep build</c>: the ARM template, and every compiler and linter diagnostic.</summary>
    public async Task<BicepCompilation> CompileAsync(string bicepFile)
    {
        var result = await CallAsync("bicep/compile", new JsonObject { ["path"] = bicepFile });
        return new BicepCompilation((bool)result["success"]!, Diagnostics(result), (string?)result["contents"]);
    }

    /// <summary><c>bicep build-params</c>: the parameters file, with the diagnostics of it and of the template it uses.</summary>
    public async Task<BicepCompilation> CompileParamsAsync(string bicepParamFile)
    {
        var result = await CallAsync("bicep/compileParams", new JsonObject { ["path"] = bicepParamFile, ["parameterOverrides"] = new JsonObject() });
        return new BicepCompilation((bool)result["success"]!, Diagnostics(result), (string?)result["parameters"]);
    }

    /// <summary><c>bicep snapshot</c>: the resources a subscription-scope deployment of the parameters file would create.</summary>
    public async Task<DeploymentSnapshot> SnapshotAsync(string bicepParamFile, string subscriptionId, string location)
    {
        var result = await CallAsync("bicep/getSnapshot", new JsonObject
        {
            ["path"] = bicepParamFile,
            ["metadata"] = new JsonObject
            {
                ["tenantId"] = "00000000-0000-0000-0000-0000000000ad",
                ["subscriptionId"] = subscriptionId,
                ["location"] = location,
            },
        });
        return new DeploymentSnapshot(JsonNode.Parse((string)result["snapshot"]!)!.AsObject());
    }

    public async ValueTask DisposeAsync()
    {
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            process.Kill();
        }

        await process.WaitForExitAsync();
        process.Dispose();
    }

    private static IReadOnlyList<string> Diagnostics(JsonNode result) =>
        result["diagnostics"]!.AsArray()
            .Select(diagnostic => $"{diagnostic!["source"]}: {diagnostic["level"]} {diagnostic["code"]}: {diagnostic["message"]}")
            .ToList();

    private async Task<JsonNode> CallAsync(string method, JsonObject parameters)
    {
        await oneAtATime.WaitAsync();
        try
        {
            var id = ++nextId;
            var body = Encoding.UTF8.GetBytes(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters }.ToJsonString());
            var input = process.StandardInput.BaseStream;
            await input.WriteAsync(Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n"));
            await input.WriteAsync(body);
            await input.FlushAsync();

            var response = JsonNode.Parse(await ReadMessageAsync(process.StandardOutput.BaseStream))!;
            if (response["error"] is { } error)
            {
                throw new InvalidOperationException($"{method} failed: {error.ToJsonString()}");
            }

            return response["result"]!;
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    private static async Task<byte[]> ReadMessageAsync(Stream output)
    {
        var contentLength = 0;
        for (var line = await ReadHeaderLineAsync(output); line.Length > 0; line = await ReadHeaderLineAsync(output))
        {
            var separator = line.IndexOf(':');
            if (line[..separator].Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                contentLength = int.Parse(line[(separator + 1)..].Trim());
            }
        }

        var body = new byte[contentLength];
        await output.ReadExactlyAsync(body);
        return body;
    }

    [GeneratedRegex(@"readEnvironmentVariable\(\s*'(?<name>[^']+)'")]
    private static partial Regex ReadEnvironmentVariable();

    private static async Task<string> ReadHeaderLineAsync(Stream output)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            await output.ReadExactlyAsync(one);
            if (one[0] == '\n')
            {
                return line.ToString().TrimEnd('\r');
            }

            line.Append((char)one[0]);
        }
    }
}

/// <summary>One compilation: whether it succeeded, its diagnostics (errors, warnings and linter findings), and its output.</summary>
public sealed record BicepCompilation(bool Success, IReadOnlyList<string> Diagnostics, string? Output);
