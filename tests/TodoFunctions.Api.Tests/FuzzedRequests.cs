using System.Text;
using CsCheck;

namespace TodoFunctions.Api.Tests;

/// <summary>
/// One generated request, before it meets the host's state: <see cref="IdPick"/> chooses among the todos created so
/// far (or a random or garbage id), and <see cref="IfMatch"/> names the todo's current version, a wrong one or garbage.
/// </summary>
internal sealed record FuzzedRequest(string Method, FuzzedRoute Route, int IdPick, string Garbage, FuzzedIfMatch IfMatch, string? ContentType, string? WaitForReadModel, FuzzedBody Body)
{
    /// <summary>An <c>X-Session-Token</c>: none, well-formed, or not.</summary>
    public string? SessionToken { get; init; }

    public override string ToString() =>
        $"{Method} {Route} id#{IdPick} garbage='{Garbage}' If-Match:{IfMatch} Content-Type:{ContentType} Wait:{WaitForReadModel} Session:{SessionToken} body:{Body}";
}

internal enum FuzzedRoute { List, Todo, Events, Garbage, AdminStatus, Restore, Trash, TrashedTodo, Statistics, History }

internal enum FuzzedIfMatch { None, Current, Wrong, Star, Weak, Garbage }

/// <summary>A body: none, a valid command, a near-valid one (one thing wrong) or bytes.</summary>
internal sealed record FuzzedBody(string Kind, byte[]? Bytes)
{
    public override string ToString() => Bytes is null ? Kind : $"{Kind} {Encoding.UTF8.GetString(Bytes)}";
}

/// <summary>The generators: any method, route, id, headers and body, valid ones often enough that todos get written.</summary>
internal static class FuzzedRequests
{
    private static readonly Gen<string> Printable = Gen.String[Gen.Char['!', '~'], 0, 24];

    private static readonly Gen<string> Title = Gen.String[Gen.Char[' ', '~'], 1, 30].Where(title => title.Trim().Length > 0);

    private static readonly Gen<string> ValidFields = Gen.Select(Title, Gen.Bool, Gen.Int[-5, 100], Gen.Int[0, 3], (title, completed, order, fields) => fields switch
    {
        0 => Field("title", Quote(title)),
        1 => Field("completed", completed ? "true" : "false"),
        2 => Field("order", order.ToString()),
        _ => $"{Field("title", Quote(title))},{Field("completed", completed ? "true" : "false")},{Field("order", order % 2 == 0 ? "null" : order.ToString())}",
    });

    /// <summary>A command with one thing wrong: a wrong type, a duplicate or unknown key, a blank title, or cut short.</summary>
    private static readonly Gen<string> NearValid = Gen.Select(ValidFields, Gen.Int[0, 6], Printable, (fields, flaw, junk) => flaw switch
    {
        0 => $"{{{fields},\"completed\":\"{junk}\"}}",
        1 => $"{{{fields},\"order\":{junk.Length}.5}}",
        2 => $"{{{fields},{fields}}}",
        3 => $"{{{fields},\"x{junk.Length}\":1}}",
        4 => "{\"title\":\"   \"}",
        5 => $"{{{fields},\"title\":[{Quote(junk)}]}}",
        _ => $"{{{fields}"[..Math.Max(1, fields.Length - junk.Length % 5)],
    });

    private static readonly Gen<FuzzedBody> Body = Gen.Frequency(
        (2, Gen.Const(new FuzzedBody("none", null))),
        (5, ValidFields.Select(fields => new FuzzedBody("valid", Encoding.UTF8.GetBytes($"{{{fields}}}")))),
        (3, NearValid.Select(json => new FuzzedBody("near-valid", Encoding.UTF8.GetBytes(json)))),
        (1, Gen.Byte.Array[0, 48].Select(bytes => new FuzzedBody("bytes", bytes))));

    private static readonly Gen<string> Method = Gen.Frequency(
        (4, Gen.Const("GET")), (1, Gen.Const("HEAD")), (4, Gen.Const("POST")), (4, Gen.Const("PATCH")), (2, Gen.Const("PUT")), (2, Gen.Const("DELETE")),
        (1, Gen.OneOf("OPTIONS", "TRACE", "FROB")));

    private static readonly Gen<FuzzedRoute> Route = Gen.Frequency(
        (3, Gen.Const(FuzzedRoute.List)), (6, Gen.Const(FuzzedRoute.Todo)), (2, Gen.Const(FuzzedRoute.Events)),
        (1, Gen.Const(FuzzedRoute.Garbage)), (1, Gen.Const(FuzzedRoute.AdminStatus)),
        (2, Gen.OneOf(FuzzedRoute.Restore, FuzzedRoute.Trash, FuzzedRoute.TrashedTodo, FuzzedRoute.Statistics, FuzzedRoute.History)));

    // Well-formed, at the edge of a number's range, of another container, or just past what is well-formed.
    private static readonly string?[] SessionTokens =
    [
        "todo-view/1/0:-1#1", "todo-view/1/0:-1#9223372036854775807", "todo-view/1/0:-1#5#1=9223372036854775807,1:3",
        "todo-view-b/2/0:-1#1", "todo-view/1/0:-1#", "todo-view/1/0:-1#9223372036854775808", "todo-view/1/0:-1#5#1=99999999999999999999",
        "todo-view/1/0:-2#1", "0:-1#1",
    ];

    public static readonly Gen<FuzzedRequest> Request = Gen.Select(
        Method, Route, Gen.Int[0, 9], Printable,
        Gen.Frequency((4, Gen.Const(FuzzedIfMatch.None)), (3, Gen.Const(FuzzedIfMatch.Current)), (1, Gen.OneOf(FuzzedIfMatch.Wrong, FuzzedIfMatch.Star, FuzzedIfMatch.Weak, FuzzedIfMatch.Garbage))),
        Gen.OneOf<string?>(null, "application/json", "application/merge-patch+json", "text/plain", "nonsense"),
        Gen.OneOf<string?>(null, null, "false", "true", "maybe"),
        Body,
        (method, route, id, garbage, ifMatch, contentType, wait, body) => new FuzzedRequest(method, route, id, garbage, ifMatch, contentType, wait, body))
        .SelectMany(request => Gen.OneOf<string?>([null, null, request.Garbage, .. SessionTokens]).Select(token => request with { SessionToken = token }));

    /// <summary>A session of a client: a few requests in a row, against whatever the earlier ones created.</summary>
    public static readonly Gen<FuzzedRequest[]> Session = Request.Array[1, 12];

    private static string Field(string name, string value) => $"\"{name}\":{value}";

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
