using System.Text;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Store;

namespace TodoFunctions.CosmosEmulator.Cost;

/// <summary>
/// The "modelled RU" reported in <c>x-ms-request-charge</c>: an approximation of Cosmos DB's published request
/// units (default indexing policy, session consistency), so code and benchmarks can reason about cost locally.
/// It is a model, not a measurement; sizes are rounded up to whole KiB (at least 1).
/// <list type="table">
/// <item><term>point read, read in a batch</term><description>1 RU per KiB of the item</description></item>
/// <item><term>create, replace, upsert, patch</term><description>5.3 RU per KiB + 0.05 RU per indexed (leaf) property</description></item>
/// <item><term>delete</term><description>as writing the deleted item</description></item>
/// <item><term>query page</term><description>2.3 RU + 0.02 RU per document loaded + 1 RU per KiB returned. A page
/// served from an ordered index (ORDER BY) loads the items it walks from the cursor up to the first result past the
/// page, those the filter rejects included, as the service's index walk does; a full evaluation loads every item in
/// scope on its first page and none on later ones. The service's index lookups and per-partition fan-out are not
/// modelled.</description></item>
/// <item><term>change feed page</term><description>1 RU + 1 RU per KiB returned (an empty page costs 1 RU)</description></item>
/// <item><term>batch</term><description>the sum of its operations</description></item>
/// <item><term>account, database, container, partition key range requests; refused requests</term><description>1 RU</description></item>
/// </list>
/// </summary>
internal static class RequestCharges
{
    public const double Metadata = 1;
    public const double Refused = 1;

    private const double WritePerKilobyte = 5.3;
    private const double WritePerIndexedProperty = 0.05;
    private const double QueryBase = 2.3;
    private const double QueryPerLoadedDocument = 0.02;
    private const double FeedBase = 1;

    public static double PointRead(JObject document) => Kilobytes(document);

    public static double Write(JObject document) =>
        Round(WritePerKilobyte * Kilobytes(document) + WritePerIndexedProperty * IndexedProperties(document));

    public static double QueryPage(int loadedDocuments, IEnumerable<JToken> returned) =>
        Round(QueryBase + QueryPerLoadedDocument * loadedDocuments + ReturnedKilobytes(returned));

    public static double ChangeFeedPage(IEnumerable<JToken> returned) => Round(FeedBase + ReturnedKilobytes(returned));

    private static double ReturnedKilobytes(IEnumerable<JToken> returned)
    {
        var bytes = returned.Sum(token => Encoding.UTF8.GetByteCount(Json.Compact(token)));
        return bytes == 0 ? 0 : Math.Ceiling(bytes / 1024.0);
    }

    private static double Kilobytes(JObject document) =>
        Math.Max(1, Math.Ceiling(Encoding.UTF8.GetByteCount(Json.Compact(document)) / 1024.0));

    private static int IndexedProperties(JObject document) =>
        document.Properties().Where(property => !SystemProperties.Names.Contains(property.Name)).Sum(property => Leaves(property.Value));

    private static int Leaves(JToken token) => token switch
    {
        JObject item => item.Properties().Sum(property => Leaves(property.Value)),
        JArray array => array.Sum(Leaves),
        _ => 1,
    };

    private static double Round(double charge) => Math.Round(charge, 2);
}
