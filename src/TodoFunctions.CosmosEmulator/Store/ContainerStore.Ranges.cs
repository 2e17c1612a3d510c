using TodoFunctions.CosmosEmulator.Partitions;
using TodoFunctions.CosmosEmulator.Persistence;

namespace TodoFunctions.CosmosEmulator.Store;

/// <summary>A container's partition key ranges: laid out at creation, split on demand, journaled, restored at start.</summary>
internal sealed partial class ContainerStore
{
    /// <summary>Gives a new container <paramref name="count"/> ranges; one range needs no journal entry.</summary>
    public void CreateRanges(int count)
    {
        if (count > 1)
            ChangeRanges(Partitions.Even(count));
    }

    /// <summary>Splits a live range in two while requests flow; returns the children. A container deleted meanwhile
    /// has no ranges to split (and its journal must not gain an entry after its deletion).</summary>
    public IReadOnlyList<PartitionKeyRange> SplitRange(string rangeId)
    {
        lock (gate)
        {
            if (deleted)
                throw new KeyNotFoundException($"Container '{Id}' does not exist in database '{DatabaseId}'.");
            var split = Partitions.Split(rangeId, partitions.Keys);
            ChangeRanges(split);
            return [.. split.Ranges.Where(range => range.Parents.LastOrDefault() == rangeId)];
        }
    }

    public void RestoreRanges(PartitionKeyRangeSet ranges)
    {
        lock (gate)
            Partitions.Ranges = ranges;
    }

    private void ChangeRanges(PartitionKeyRangeSet ranges)
    {
        lock (gate)
        {
            journal.Append(new PartitionKeyRangesChanged(DatabaseId, Id, ranges.ToJson()));
            Partitions.Ranges = ranges;
        }
    }

    private bool InRange(string partitionKeyJson, EffectiveKeyRange? keyRange) =>
        keyRange is null || keyRange.Contains(Partitions.EffectiveKeyOf(partitionKeyJson));
}
