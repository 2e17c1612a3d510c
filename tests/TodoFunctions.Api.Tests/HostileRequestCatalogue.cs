using System.Text;

namespace TodoFunctions.Api.Tests;

/// <summary>
/// One hostile or malformed request and the 4xx it must get. <c>{id}</c> in the target names a todo created for the
/// case, <c>{unknown}</c> a UUID no todo has. <see cref="RefusedByServer"/>: Kestrel refuses it before any app code
/// runs, so the answer may have an empty body; every other answer is a problem.
/// </summary>
internal sealed record HostileRequest(string Method, string Target, int Expected)
{
    public byte[]? Body { get; init; }

    public IReadOnlyList<(string Name, string Value)> Headers { get; init; } = [];

    /// <summary>The whole request as bytes, for what is not even a well-formed request; <c>{host}</c> is filled in.</summary>
    public string? Raw { get; init; }

    public bool RefusedByServer { get; init; }
}

/// <summary>The catalogue: each case under a name that says what is wrong with it.</summary>
internal static class HostileRequestCatalogue
{
    private const int MaxBodyBytes = 64 * 1024;
    private const string Json = "application/json";

    public static readonly IReadOnlyDictionary<string, HostileRequest> Cases = new Dictionary<string, HostileRequest>
    {
        // Text that is not Unicode.
        ["title with bytes that are not UTF-8"] = Post([.. "{\"title\":\""u8, 0xC3, 0x28, .. "\"}"u8], 400),
        ["property name with bytes that are not UTF-8"] = Post([.. "{\""u8, 0xFF, 0xFE, .. "\":1,\"title\":\"x\"}"u8], 400),
        ["overlong UTF-8 encoding of a slash"] = Post([.. "{\"title\":\"a"u8, 0xC0, 0xAF, .. "\"}"u8], 400),
        ["UTF-8 encoded surrogate code point"] = Post([.. "{\"title\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8], 400),
        ["body in UTF-16 with a byte order mark"] = Post([0xFF, 0xFE, .. Encoding.Unicode.GetBytes("{\"title\":\"x\"}")], 400),
        ["escaped lone high surrogate in a title"] = Post("""{"title":"\uD83D"}""", 400),
        ["escaped lone low surrogate in a property name"] = Post("""{"\uDE00":1,"title":"x"}""", 400),
        ["escaped lone surrogate in a patched title"] = Patch("""{"title":"a\uDBFFb"}""", 400),
        ["raw NUL byte inside a string"] = Post([.. "{\"title\":\"a"u8, 0x00, .. "b\"}"u8], 400),

        // Numbers and nesting beyond reason.
        ["order of 1e400"] = Post("""{"title":"x","order":1e400}""", 400),
        ["order of ten thousand digits"] = Post($$"""{"title":"x","order":{{new string('9', 10_000)}}}""", 400),
        ["order below int32"] = Post("""{"title":"x","order":-2147483649}""", 400),
        ["title nested ten thousand arrays deep"] = Post($$"""{"title":{{new string('[', 10_000)}}{{new string(']', 10_000)}}}""", 400),
        ["object nested 65 levels deep"] = Post(string.Concat(Enumerable.Repeat("""{"a":""", 65)) + "1" + new string('}', 65), 400),

        // Duplicate keys: refused, whichever copy would have won.
        ["duplicate title"] = Post("""{"title":"first","title":"second"}""", 400),
        ["duplicate completed on a patch"] = Patch("""{"completed":true,"completed":false}""", 400),
        ["duplicate key spelled with an escape"] = Post("""{"title":"a","\u0074itle":"b"}""", 400),

        // Not JSON, or not one JSON object.
        ["truncated object"] = Post("""{"title":"x" """, 400),
        ["object followed by garbage"] = Post("""{"title":"x"} {}""", 400),
        ["comment inside the object"] = Post("""{"title":"x" /* note */}""", 400),
        ["trailing comma"] = Post("""{"title":"x",}""", 400),
        ["single-quoted strings"] = Post("{'title':'x'}", 400),
        ["bare true"] = Post("true", 400),
        ["bare number"] = Post("42", 400),
        ["empty object on create"] = Post("{}", 400),
        ["whitespace only"] = Post("   \r\n ", 400),

        // Wrong types, for every field.
        ["title as an array"] = Post("""{"title":["x"]}""", 400),
        ["title as an object"] = Post("""{"title":{"text":"x"}}""", 400),
        ["completed as a number"] = Post("""{"title":"x","completed":1}""", 400),
        ["completed as the string true"] = Post("""{"title":"x","completed":"true"}""", 400),
        ["order as a boolean"] = Post("""{"title":"x","order":true}""", 400),
        ["order as a fraction"] = Patch("""{"order":2.5}""", 400),
        ["title as null on a patch"] = Patch("""{"title":null}""", 400),
        ["completed as null on a patch"] = Patch("""{"completed":null}""", 400),

        // Content types.
        ["create declared as text/plain"] = Post("""{"title":"x"}"""u8.ToArray(), 415, "text/plain"),
        ["create declared as multipart/form-data"] = Post("""{"title":"x"}"""u8.ToArray(), 415, "multipart/form-data; boundary=x"),
        ["patch declared as XML"] = new HostileRequest("PATCH", "todos/{id}", 415) { Body = "<todo/>"u8.ToArray(), Headers = [("Content-Type", "application/xml")] },
        ["content type that does not parse"] = Post("""{"title":"x"}"""u8.ToArray(), 415, "???"),
        ["no content type and a body that is not JSON"] = Post("title=x"u8.ToArray(), 400, contentType: null),

        // Body size.
        ["body at the 64 KiB limit with an unknown property"] = Post(PaddedTo(MaxBodyBytes, """{"title":"x","extra":" """), 400),
        ["body one byte over the 64 KiB limit"] = Post(PaddedTo(MaxBodyBytes + 1, """{"title":"x","extra":" """), 413),
        ["patch body one byte over the limit"] = new HostileRequest("PATCH", "todos/{id}", 413) { Body = Encoding.UTF8.GetBytes(PaddedTo(MaxBodyBytes + 1, """{"title":" """)), Headers = [("Content-Type", Json)] },

        // Preconditions.
        ["If-Match that is no entity tag"] = Conditional("PATCH", "garbage", 412),
        ["If-Match with a weak tag"] = Conditional("PATCH", "W/\"1\"", 412),
        ["If-Match listing two stale versions"] = Conditional("PATCH", "\"5\", \"6\"", 412),
        ["If-Match list that is not a list of entity tags"] = Conditional("PATCH", "\"1\", garbage", 412),
        ["If-None-Match naming the current version on a write"] = Conditional("DELETE", "\"1\"", 412) with { Headers = [("If-None-Match", "W/\"1\"")] },
        ["If-Match * on a todo that never existed"] = Conditional("DELETE", "*", 412) with { Target = "todos/{unknown}" },
        ["If-Match beyond a 64-bit version"] = Conditional("DELETE", "\"99999999999999999999999\"", 412),
        ["If-Match of a stale version on delete"] = Conditional("DELETE", "\"7\"", 412),
        ["If-Match of 16 KiB"] = Conditional("PATCH", $"\"{new string('1', 16 * 1024)}\"", 412),
        ["If-Match with a negative version"] = Conditional("PATCH", "\"-1\"", 412),

        // Headers at and past Kestrel's limits (32 KiB of headers, 100 of them).
        ["X-Correlation-Id of 16 KiB"] = new HostileRequest("GET", "todos/{unknown}", 404) { Headers = [("X-Correlation-Id", new string('c', 16 * 1024))] },
        ["one header of 40 KiB"] = new HostileRequest("GET", "todos", 431) { Headers = [("X-Big", new string('b', 40 * 1024))], RefusedByServer = true },
        ["two hundred headers"] = new HostileRequest("GET", "todos", 431) { Headers = [.. Enumerable.Range(0, 200).Select(i => ($"X-H{i}", "v"))], RefusedByServer = true },
        ["header value with bytes that are not ASCII"] = Post("""{"title":5}""", 400) with { Headers = [("Content-Type", Json), ("X-Wait-For-Read-Model", "\u00ff\u00fe maybe")], RefusedByServer = true },

        // Methods on every route.
        ["TRACE on the list"] = new HostileRequest("TRACE", "todos", 405),
        ["CONNECT on the list"] = new HostileRequest("CONNECT", "todos", 405),
        ["PUT on the list"] = new HostileRequest("PUT", "todos", 405) { Body = "{}"u8.ToArray() },
        ["PUT without completed"] = new HostileRequest("PUT", "todos/{id}", 400) { Body = """{"title":"x"}"""u8.ToArray(), Headers = [("Content-Type", Json)] },
        ["PUT with a JSON array"] = new HostileRequest("PUT", "todos/{id}", 400) { Body = """[{"title":"x","completed":true}]"""u8.ToArray(), Headers = [("Content-Type", Json)] },
        ["odd verb on a todo"] = new HostileRequest("FROB", "todos/{id}", 405),
        ["POST on a todo"] = Post("""{"title":"x"}""", 405) with { Target = "todos/{id}" },
        ["PROPFIND on the events"] = new HostileRequest("PROPFIND", "todos/{id}/events", 405),
        ["PATCH on the events"] = new HostileRequest("PATCH", "todos/{id}/events", 405) { Body = "{}"u8.ToArray() },
        ["TRACE on the admin status"] = new HostileRequest("TRACE", "admin/projections/todos", 405),
        ["DELETE on the admin rebuild"] = new HostileRequest("DELETE", "admin/projections/todos/rebuild", 405),
        ["admin retry without the function key"] = new HostileRequest("POST", "admin/projections/todos/parked/{id}/retry", 401),

        // Ids and paths.
        ["id that is not a UUID"] = new HostileRequest("GET", "todos/not-a-uuid", 404),
        ["nil UUID deleted"] = new HostileRequest("DELETE", "todos/00000000-0000-0000-0000-000000000000", 404),
        ["unknown todo patched"] = Patch("""{"completed":true}""", 404) with { Target = "todos/{unknown}" },
        ["dot-dot encoded as the id"] = new HostileRequest("GET", "todos/%2E%2E", 404),
        ["encoded slash inside the id"] = new HostileRequest("GET", "todos/{id}%2Fevents", 404),
        ["dot-dot climbing out of the API"] = new HostileRequest("GET", "todos/../../admin/projections/todos", 404),
        ["path no function serves"] = new HostileRequest("GET", "nothing-here", 404),
        ["POST to a path no function serves"] = Post("""{"title":"x"}""", 404) with { Target = "nothing-here" },
        ["DELETE on a path no function serves"] = new HostileRequest("DELETE", "nothing/here", 404),
        ["odd verb on a path no function serves"] = new HostileRequest("FROB", "nothing-here", 404),
        ["segment after the events"] = new HostileRequest("GET", "todos/{id}/events/extra", 404),
        ["control character in the id"] = new HostileRequest("GET", "todos/\u0001", 404),
        ["id that looks like a file name"] = new HostileRequest("DELETE", "todos/x.json", 404),

        // Not even a well-formed request: Kestrel refuses these itself.
        ["request line with a fourth part"] = Malformed("GET /api/todos HTTP/1.1 extra\r\nHost: {host}\r\n\r\n", 400),

        ["header line without a colon"] = Malformed("GET /api/todos HTTP/1.1\r\nHost: {host}\r\nNoColonHere\r\n\r\n", 400),
        ["space inside a header name"] = Malformed("GET /api/todos HTTP/1.1\r\nHost: {host}\r\nBad Name: x\r\n\r\n", 400),
        ["request line of 10 KiB"] = Malformed($"GET /api/todos/{new string('a', 10 * 1024)} HTTP/1.1\r\nHost: {{host}}\r\n\r\n", 414),
        ["Content-Length that is not a number"] = Malformed("POST /api/todos HTTP/1.1\r\nHost: {host}\r\nContent-Length: ten\r\n\r\n", 400),
    };

    private static HostileRequest Post(string body, int expected) => Post(Encoding.UTF8.GetBytes(body), expected);

    private static HostileRequest Post(byte[] body, int expected, string? contentType = Json) =>
        new("POST", "todos", expected) { Body = body, Headers = contentType is null ? [] : [("Content-Type", contentType)] };

    private static HostileRequest Patch(string body, int expected) =>
        new("PATCH", "todos/{id}", expected) { Body = Encoding.UTF8.GetBytes(body), Headers = [("Content-Type", Json)] };

    private static HostileRequest Conditional(string method, string ifMatch, int expected) =>
        new(method, "todos/{id}", expected)
        {
            Body = method == "PATCH" ? """{"completed":true}"""u8.ToArray() : null,
            Headers = method == "PATCH" ? [("Content-Type", Json), ("If-Match", ifMatch)] : [("If-Match", ifMatch)],
        };

    private static HostileRequest Malformed(string raw, int expected) => new("", "", expected) { Raw = raw, RefusedByServer = true };

    /// <summary>A JSON object of exactly <paramref name="bytes"/> bytes: the start given, spaces, then the closing quote and brace.</summary>
    private static string PaddedTo(int bytes, string start) => start + new string(' ', bytes - start.Length - 2) + "\"}";
}
