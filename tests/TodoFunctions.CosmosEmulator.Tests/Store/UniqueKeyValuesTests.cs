using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Persistence;
using TodoFunctions.CosmosEmulator.Store;

namespace TodoFunctions.CosmosEmulator.Tests.Store;

/// <summary>A stored or replayed item's unique-key values are read from its JSON text without parsing it whole:
/// they must be the values the parsed item holds on those paths.</summary>
public sealed class UniqueKeyValuesTests
{
    private static readonly UniqueKeys Keys = UniqueKeys.FromContainer(JObject.Parse(
        """{"uniqueKeyPolicy":{"uniqueKeys":[{"paths":["/email"]},{"paths":["/name/first","/name/last"]},{"paths":["/tags"]}]}}"""));

    [Theory]
    [InlineData("""{"id":"a","email":"a@example.com","name":{"first":"Ada","last":"Lovelace"},"tags":["x",{"y":1.0}]}""")]
    [InlineData("""{"id":"b","name":{"last":"only","first":null},"email":12,"other":{"email":"nested"}}""")]
    [InlineData("""{"id":"c","name":"not an object","email":"\u00e9\n\"q\"","tags":{"k":[1,2]}}""")]
    [InlineData("""{"id":"d"}""")]
    public void The_values_read_from_the_text_are_those_of_the_parsed_item(string json)
    {
        var item = (JObject)Json.Parse(json);

        var fromText = Keys.ValuesOf(DocumentJson.From(item));
        var fromTree = Keys.ValuesOf(item);

        Assert.Equal(fromTree.Count, fromText.Count);
        Assert.All(fromTree.Zip(fromText), pair =>
        {
            Assert.Equal(pair.First.Type, pair.Second.Type);
            Assert.True(JToken.DeepEquals(pair.First, pair.Second), $"{pair.First} differs from {pair.Second}");
        });
    }
}
