using TodoFunctions.CosmosEmulator.Persistence;

namespace TodoFunctions.CosmosEmulator.Tests.Persistence;

/// <summary>Reading a segment ahead on another thread changes nothing a replay can see: order, failures, stopping.</summary>
public sealed class ReadAheadTests
{
    [Fact]
    public void Every_item_comes_in_the_order_of_the_source_however_far_ahead_it_runs()
    {
        Assert.Equal(Enumerable.Range(0, 10_000), ReadAhead.Of(Enumerable.Range(0, 10_000), capacity: 3));
    }

    [Fact]
    public void The_source_failing_is_reported_after_the_items_before_it()
    {
        var received = new List<int>();

        var failure = Assert.Throws<InvalidDataException>(() =>
        {
            foreach (var item in ReadAhead.Of(FailingAfter(5), capacity: 2))
                received.Add(item);
        });

        Assert.Equal("damaged after 5", failure.Message);
        Assert.Equal([0, 1, 2, 3, 4], received);
    }

    [Fact]
    public void A_consumer_that_stops_early_stops_the_source_and_releases_it()
    {
        var source = new WatchedSource();

        foreach (var item in ReadAhead.Of(source.Items(), capacity: 2))
        {
            if (item == 3)
                break;
        }

        Assert.True(source.Released);
        Assert.InRange(source.Produced, 4, 4 + 2 + 1); // what was consumed, what fit ahead, and the one waiting to fit
    }

    private static IEnumerable<int> FailingAfter(int count)
    {
        for (var item = 0; item < count; item++)
            yield return item;
        throw new InvalidDataException($"damaged after {count}");
    }

    private sealed class WatchedSource
    {
        public int Produced { get; private set; }

        public bool Released { get; private set; }

        public IEnumerable<int> Items()
        {
            try
            {
                for (var item = 0; item < 1_000_000; item++)
                {
                    Produced++;
                    yield return item;
                }
            }
            finally
            {
                Released = true;
            }
        }
    }
}
