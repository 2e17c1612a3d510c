using System.Net.Sockets;
using System.Text;

namespace TodoFunctions.Api.Tests;

/// <summary>An HTTP/1.1 answer as it came off the socket: status, headers (names lower-cased) and the decoded body.</summary>
internal sealed record RawAnswer(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string? ContentType => Headers.GetValueOrDefault("content-type");
}

/// <summary>
/// HTTP/1.1 over a plain TCP socket to loopback, byte for byte as given: the only way to send what HttpClient would
/// refuse or repair (bytes that are not UTF-8 in a request line or header, an odd verb, a header without a colon).
/// </summary>
internal static class RawHttp
{
    /// <summary>A request built from its parts, with <c>Content-Length</c> and <c>Connection: close</c> added.</summary>
    public static byte[] Request(string method, string target, IEnumerable<(string Name, string Value)> headers, byte[]? body, string host)
    {
        var head = new StringBuilder($"{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
        foreach (var (name, value) in headers) head.Append($"{name}: {value}\r\n");
        if (body is not null) head.Append($"Content-Length: {body.Length}\r\n");
        head.Append("\r\n");
        return [.. Encoding.Latin1.GetBytes(head.ToString()), .. body ?? []];
    }

    public static async Task<RawAnswer> SendAsync(Uri server, byte[] request)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(server.Host, server.Port);
        var stream = socket.GetStream();
        try
        {
            await stream.WriteAsync(request);
        }
        catch (IOException)
        {
            // The server may answer and close before it has read all of a request it refuses.
        }
        var received = new MemoryStream();
        try
        {
            await stream.CopyToAsync(received);
        }
        catch (IOException) when (received.Length > 0)
        {
            // A reset after the answer arrived.
        }
        return Parse(received.ToArray());
    }

    private static RawAnswer Parse(byte[] response)
    {
        var headEnd = response.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.True(headEnd > 0, $"No HTTP answer, only {response.Length} bytes: {Encoding.Latin1.GetString(response)}");
        var lines = Encoding.Latin1.GetString(response, 0, headEnd).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1]);
        var headers = lines.Skip(1).Select(line => line.Split(':', 2))
            .GroupBy(pair => pair[0].Trim().ToLowerInvariant(), pair => pair[1].Trim())
            .ToDictionary(header => header.Key, header => string.Join(", ", header));
        var body = response[(headEnd + 4)..];
        return new RawAnswer(status, headers, headers.GetValueOrDefault("transfer-encoding") == "chunked" ? Dechunk(body) : body);
    }

    private static byte[] Dechunk(byte[] chunked)
    {
        var body = new MemoryStream();
        var at = 0;
        while (true)
        {
            var lineEnd = chunked.AsSpan(at).IndexOf("\r\n"u8) + at;
            var size = Convert.ToInt32(Encoding.Latin1.GetString(chunked, at, lineEnd - at).Split(';')[0], 16);
            if (size == 0) return body.ToArray();
            body.Write(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
