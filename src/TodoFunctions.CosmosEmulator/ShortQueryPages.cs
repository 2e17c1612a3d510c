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
    /// <summary>How many items the page may hold: <paramref name="maxItemCount"/>, or fewer (possibly none) on a cut page.</summary>
    internal int PageLimit(string queryText, int pageNumber, int maxItemCount)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{Seed}\n{pageNumber}\n{queryText}"));
        var draw = (BinaryPrimitives.ReadUInt64LittleEndian(digest) >> 11) / (double)(1UL << 53);
        return draw < Probability ? (int)(BinaryPrimitives.ReadUInt32LittleEndian(digest.AsSpan(8)) % (uint)maxItemCount) : maxItemCount;
    }
}
