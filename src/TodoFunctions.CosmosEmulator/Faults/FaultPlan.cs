using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using Newtonsoft.Json.Serialization;

namespace TodoFunctions.CosmosEmulator.Faults;

/// <summary>
/// The faults the emulator injects: rules, and the seed every random choice derives from. The same JSON is read
/// from <c>--faults</c>, accepted and returned by <c>/_emulator/faults</c>, and built in process as this record.
/// </summary>
public sealed record FaultPlan
{
    private static readonly JsonSerializerSettings Settings = new()
    {
        ContractResolver = new CamelCasePropertyNamesContractResolver(),
        Converters = { new StringEnumConverter(new CamelCaseNamingStrategy(), allowIntegerValues: false) },
        MissingMemberHandling = MissingMemberHandling.Error,
        NullValueHandling = NullValueHandling.Ignore,
        Formatting = Formatting.Indented,
    };

    /// <summary>Null when installed: the emulator picks one, and the installed plan (and the log) shows it.</summary>
    public long? Seed { get; init; }

    public IReadOnlyList<FaultRule> Rules { get; init; } = [];

    /// <summary>Reads a plan and checks it; the message of the <see cref="FormatException"/> says what is wrong.</summary>
    public static FaultPlan Parse(string json)
    {
        FaultPlan? plan;
        try
        {
            plan = JsonConvert.DeserializeObject<FaultPlan>(json, Settings);
        }
        catch (JsonException invalid)
        {
            throw new FormatException($"The fault plan is not valid: {invalid.Message}", invalid);
        }
        if (plan is null)
            throw new FormatException("The fault plan is empty; expected an object like {\"rules\": [...]}.");
        plan.Validate();
        return plan;
    }

    public string ToJson() => JsonConvert.SerializeObject(this, Settings);

    /// <summary>Refuses a plan the service could never produce or the emulator cannot honour.</summary>
    public void Validate()
    {
        if (Rules is null)
            throw new FormatException("The fault plan needs a \"rules\" array.");
        var problems = Rules.SelectMany((rule, index) => rule is null
                ? [$"rule {index} is null"]
                : rule.Problems().Select(problem => $"rule {index}: {problem}"))
            .ToList();
        if (problems.Count > 0)
            throw new FormatException($"The fault plan is not valid: {string.Join("; ", problems)}.");
    }
}
