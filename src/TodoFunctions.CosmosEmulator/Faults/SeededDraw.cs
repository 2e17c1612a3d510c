using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace TodoFunctions.CosmosEmulator.Faults;

/// <summary>
/// A number in [0, 1) that depends on nothing but its inputs: the same seed, rule, resource and request number
/// give the same draw in every process and under any interleaving. SHA-256, because string hash codes are
/// randomized per process and one shared random stream would depend on the order requests arrive.
/// </summary>
internal static class SeededDraw
{
    public static double Of(long seed, int rule, string purpose, FaultTarget target, long requestNumber)
    {
        var input = string.Join('\u001f', seed, rule, purpose, target.Operation, target.Container, target.PartitionKey, target.ItemId, target.FeedRange, requestNumber);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(input));
        return (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) * (1.0 / (1UL << 53));
    }
}
