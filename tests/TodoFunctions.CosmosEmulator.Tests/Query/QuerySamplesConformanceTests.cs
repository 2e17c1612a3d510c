using System.Net;
using System.Text.RegularExpressions;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace TodoFunctions.CosmosEmulator.Tests.Query;

/// <summary>
/// The Microsoft Learn query samples (see <see cref="QuerySample"/>): each is answered exactly as the service answers
/// it, or refused with a 400 that names the construct the emulator does not support; never answered wrong.
/// </summary>
public sealed partial class QuerySamplesConformanceTests(QuerySamplesFixture samples, ITestOutputHelper output) : IClassFixture<QuerySamplesFixture>
{
    public static TheoryData<string> Names => [.. QuerySample.All.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_sample_query_answers_as_the_service_does_or_is_refused_naming_the_construct(string name)
    {
        var sample = QuerySample.All[name];

        var answer = await samples.AnswerAsync(sample.Query);

        if (answer.Results is null)
        {
            Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
            var construct = UnsupportedConstruct().Match(answer.Message ?? "");
            Assert.True(construct.Success, $"Refused without naming an unsupported construct: {answer.Message}");
            output.WriteLine($"refused: {construct.Groups[1].Value}");
            return;
        }
        Assert.True(SameJson(sample.Expected, answer.Results),
            $"Expected {sample.Expected.ToString(Formatting.None)} but the emulator answered {answer.Results.ToString(Formatting.None)}");
        output.WriteLine("passed");
    }

    [GeneratedRegex(@"Unsupported construct: ([^\r\n""\\]+)")]
    private static partial Regex UnsupportedConstruct();

    /// <summary>JSON equality with property order ignored and numbers equal within double rounding (AVG, ST_DISTANCE).</summary>
    private static bool SameJson(JToken expected, JToken actual) => (expected, actual) switch
    {
        (JObject e, JObject a) => e.Count == a.Count && e.Properties().All(p => a.TryGetValue(p.Name, out var other) && SameJson(p.Value, other)),
        (JArray e, JArray a) => e.Count == a.Count && e.Zip(a).All(pair => SameJson(pair.First, pair.Second)),
        (JValue { Type: JTokenType.Integer or JTokenType.Float } e, JValue { Type: JTokenType.Integer or JTokenType.Float } a) =>
            Math.Abs(e.Value<double>() - a.Value<double>()) <= 1e-12 * Math.Max(1, Math.Abs(e.Value<double>())),
        _ => JToken.DeepEquals(expected, actual),
    };
}
