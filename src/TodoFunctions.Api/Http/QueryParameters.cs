using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace TodoFunctions.Api.Http;

/// <summary>Query-string parameters read by their own syntax: each given at most once, or a 400 that names it.</summary>
internal static class QueryParameters
{
    /// <summary>The parameter's value; <c>null</c> when it is absent.</summary>
    public static string? Single(HttpRequest request, string name) => request.Query.TryGetValue(name, out var values)
        ? values.Count == 1 ? values[0] ?? "" : throw Refused($"{name} must be given once, not {values.Count} times.")
        : null;

    /// <summary>A stream version: a whole number, at least <paramref name="minimum"/>, in plain digits.</summary>
    public static long? Version(HttpRequest request, string name, long minimum) => Single(request, name) switch
    {
        null => null,
        var text when long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version >= minimum => version,
        var text => throw Refused($"{name} must be a whole number of at least {minimum}, not '{text}'."),
    };

    public static ProblemException Refused(string detail) => new(Problems.BadQuery(detail));
}
