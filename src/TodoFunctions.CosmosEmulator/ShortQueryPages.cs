using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace TodoFunctions.CosmosEmulator;

/// <summary>
/// Makes query and feed pages short or empty, each with a continuation while results remain, as the service may
/// return them; so a loop that stops on a short page loses items locally as it would in Azure. Whether a page is
/// cut, and to how many items, is a function of the seed, the query text and the page's number, so a run repeats.
/// </summary>
/// <param name="Seed">Chooses which pages are cut; the same seed cuts the same pages.</param>
/// <param name="Probability">The share of pages that are cut, from 0 to 1.</param>
public sealed record ShortQueryPages(int Seed, double Probability = 0.5)
{
    public double Probability { get; } = Probability is >= 0 and <= 1
        ? Probability
        : throw new ArgumentOutOfRangeException(nameof(Probability), Probability, "The share of cut pages must be from 0 to 1.");

    /// <summary>How many items the page may hold: <paramref name="maxItemCount"/>, or fewer (possibly none) on a cut
    /// page; never none twice in a row, so a query always moves forward.</summary>
    internal int PageLimit(string queryText, int pageNumber, int maxItemCount)
    {
        var limit = CutTo(queryText, pageNumber, maxItemCount);
        return limit == 0 && pageNumber > 0 && CutTo(queryText, pageNumber - 1, maxItemCount) == 0 ? 1 : limit;
    }

    private int CutTo(string queryText, int pageNumber, int maxItemCount)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{Seed}\n{pageNumber}\n{queryText}"));
        var draw = (BinaryPrimitives.ReadUInt64LittleEndian(digest) >> 11) / (double)(1UL << 53);
        return draw < Probability ? (int)(BinaryPrimitives.ReadUInt32LittleEndian(digest.AsSpan(8)) % (uint)maxItemCount) : maxItemCount;
    }
}
