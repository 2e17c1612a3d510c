using System.Reflection;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Partitions;

/// <summary>
/// The effective partition key (EPK) hashing of the pinned SDK (3.64.0), reached by reflection: items then route
/// to ranges exactly as the SDK routes feed ranges and as the service places them, for hash V1 and V2 alike.
/// The SDK's internal types are used here and nowhere else.
/// </summary>
internal sealed class EffectivePartitionKeys
{
    private const BindingFlags Internal = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance;

    private static readonly Type KeyType = typeof(PartitionKey).GetProperty("InternalKey", Internal)!.PropertyType;
    private static readonly Type DefinitionType = typeof(ContainerProperties).GetProperty("PartitionKey", Internal)!.PropertyType;
    private static readonly MethodInfo FromJson = Method("FromJsonString");
    private static readonly MethodInfo EffectiveKey = Method("GetEffectivePartitionKeyString");
    private static readonly MethodInfo EqualRanges = Method("GetNEqualRangeEffectivePartitionKeys");
    private static readonly MethodInfo MiddleOfRange = Method("GetMiddleRangeEffectivePartitionKey");

    private readonly object definition;

    /// <param name="partitionKey">The container's <c>partitionKey</c> definition (paths, kind, version).</param>
    public EffectivePartitionKeys(JObject partitionKey)
    {
        definition = JsonConvert.DeserializeObject(partitionKey.ToString(Formatting.None), DefinitionType)!;
    }

    /// <summary>The EPK of a partition key value given as its JSON array (e.g. <c>["a"]</c>).</summary>
    public string Of(string partitionKeyJson) =>
        (string)EffectiveKey.Invoke(FromJson.Invoke(null, [partitionKeyJson]), [definition, true])!;

    /// <summary>The <paramref name="count"/> - 1 boundaries that cut the key space into equal ranges.</summary>
    public IReadOnlyList<string> Boundaries(int count) =>
        count <= 1 ? [] : (string[])EqualRanges.Invoke(null, [PartitionKeyRange.MinimumKey, PartitionKeyRange.MaximumKey, definition, count])!;

    public string Middle(string minInclusive, string maxExclusive) =>
        (string)MiddleOfRange.Invoke(null, [minInclusive, maxExclusive, definition])!;

    private static MethodInfo Method(string name) =>
        KeyType.GetMethod(name, Internal) ?? throw new MissingMethodException(KeyType.FullName, name);
}
