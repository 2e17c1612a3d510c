using System.Collections.Concurrent;

namespace TodoFunctions.CosmosEmulator.Persistence;

/// <summary>
/// Enumerates a source on a thread of its own, a bounded number of items ahead of the consumer: replaying a journal
/// segment, parsing its lines then overlaps with applying them, the two halves of the work, on two processors.
/// The source's exception reaches the consumer after the items before it, as it would without reading ahead.
/// </summary>
internal static class ReadAhead
{
    public static IEnumerable<T> Of<T>(IEnumerable<T> source, int capacity)
    {
        using var ready = new BlockingCollection<T>(capacity);
        using var stop = new CancellationTokenSource();
        var producer = Task.Factory.StartNew(() =>
        {
            try
            {
                foreach (var item in source)
                    ready.Add(item, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The consumer stopped: nothing is waiting for the rest.
            }
            finally
            {
                ready.CompleteAdding();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            foreach (var item in ready.GetConsumingEnumerable())
                yield return item;
            producer.GetAwaiter().GetResult();
        }
        finally
        {
            // The consumer stopped early (it failed, or had enough): the producer must not go on reading.
            stop.Cancel();
            Task.WaitAny(producer);
            _ = producer.Exception; // observed: a consumer that failed first reports its own failure
        }
    }
}
