using System.Reflection;
using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using TodoFunctions.Api.Queues;

namespace TodoFunctions.Local;

/// <summary>
/// The queue settings of <c>host.json</c> (<c>extensions.queues</c>) that the local host's queue triggers honour, with
/// the Functions host's defaults.
/// </summary>
public sealed class QueueTriggerOptions
{
    public int BatchSize { get; set; } = 16;
    public int MaxDequeueCount { get; set; } = 5;
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a message whose function failed stays invisible before its next delivery.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Reads the settings from the <c>host.json</c> next to the program, then from app settings that override it as they
    /// do for the Functions host (<c>AzureFunctionsJobHost__extensions__queues__maxDequeueCount</c>, …).
    /// </summary>
    public static QueueTriggerOptions FromHostJson(IConfiguration appSettings)
    {
        var hostJson = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "host.json"), optional: true).Build();
        var options = new QueueTriggerOptions();
        hostJson.GetSection("extensions:queues").Bind(options);
        appSettings.GetSection("AzureFunctionsJobHost:extensions:queues").Bind(options);
        return options;
    }
}

/// <summary>
/// Runs a Functions app's queue-triggered functions on this host, found from the same <c>[Function]</c> and
/// <c>[QueueTrigger]</c> attributes the Functions host indexes, and driven the way its queue listener drives them.
/// </summary>
public static class QueueFunctionTriggers
{
    /// <summary>Every queue-triggered function of the assembly: its name, queue, connection setting and method.</summary>
    public static IEnumerable<(string Name, string Queue, string? Connection, MethodInfo Method)> Find(Assembly functions) =>
        from found in FunctionIndex.Find<QueueTriggerAttribute>(functions)
        select (found.Function.Name, found.Trigger.QueueName, found.Trigger.Connection, found.Method);

    public static IServiceCollection AddQueueFunctions(this IServiceCollection services, Assembly functions, QueueTriggerOptions options)
    {
        foreach (var (name, queue, connection, method) in Find(functions))
        {
            if (connection is not (null or ProjectionQueues.ConnectionSetting))
                throw new NotSupportedException($"{name}: the local host serves queue triggers on {ProjectionQueues.ConnectionSetting} only, not {connection}.");
            var invoke = Invoker(method);
            services.AddSingleton<IHostedService>(provider => new QueueTriggerListener(
                name, queue, invoke, options,
                provider.GetRequiredService<StorageQueues>(),
                provider.GetRequiredService<IServiceScopeFactory>(),
                provider.GetRequiredService<ILogger<QueueTriggerListener>>()));
        }
        return services;
    }

    /// <summary>Runs a function as the worker does: a fresh instance from DI per message, the message bound to the trigger parameter.</summary>
    private static Func<IServiceProvider, BinaryData, CancellationToken, Task> Invoker(MethodInfo method)
    {
        var binders = method.GetParameters().Select(Binder).ToArray();
        return async (services, message, cancellationToken) =>
        {
            var returned = FunctionIndex.Invoke(method, services, [.. binders.Select(bind => bind(message, cancellationToken))]);
            if (returned is Task pending) await pending;
        };
    }

    /// <summary>
    /// Binds the trigger parameter as the queue extension does (string, <see cref="BinaryData"/>, or JSON into a
    /// type, case-insensitively) and the cancellation token; anything else fails at start-up, not on a message.
    /// </summary>
    private static Func<BinaryData, CancellationToken, object?> Binder(ParameterInfo parameter) => parameter.ParameterType switch
    {
        var type when type == typeof(CancellationToken) => (_, cancellationToken) => cancellationToken,
        _ when parameter.GetCustomAttribute<QueueTriggerAttribute>() is null => throw new NotSupportedException(
            $"{parameter.Member.DeclaringType?.Name}.{parameter.Member.Name}: the local host cannot bind parameter '{parameter.Name}' of type {parameter.ParameterType.Name}."),
        var type when type == typeof(string) => (message, _) => message.ToString(),
        var type when type == typeof(BinaryData) => (message, _) => message,
        var type => (message, _) => JsonSerializer.Deserialize(message.ToMemory().Span, type, JsonOptions)
            ?? throw new InvalidDataException($"The message is JSON null, not a {type.Name}."),
    };

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}

/// <summary>
/// Polls one queue for one function, as the Functions host's queue listener does: polls back off to
/// <see cref="QueueTriggerOptions.MaxPollingInterval"/> while the queue is empty; a message stays invisible while its
/// function runs and is deleted when it succeeds; a failed one comes back after
/// <see cref="QueueTriggerOptions.VisibilityTimeout"/>, and after <see cref="QueueTriggerOptions.MaxDequeueCount"/>
/// deliveries moves to the queue's <c>-poison</c> queue.
/// </summary>
internal sealed class QueueTriggerListener(
    string functionName,
    string queueName,
    Func<IServiceProvider, BinaryData, CancellationToken, Task> invoke,
    QueueTriggerOptions options,
    StorageQueues queues,
    IServiceScopeFactory scopes,
    ILogger<QueueTriggerListener> logger) : BackgroundService
{
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan InvisibleWhileRunning = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pause = FirstPoll;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var queue = await queues.GetAsync(queueName, stoppingToken);
                QueueMessage[] messages = await queue.ReceiveMessagesAsync(options.BatchSize, InvisibleWhileRunning, stoppingToken);
                foreach (var message in messages) await ProcessAsync(queue, message, stoppingToken);
                pause = messages.Length > 0 ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Clamp(pause.Ticks * 2, FirstPoll.Ticks, options.MaxPollingInterval.Ticks));
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Polling queue {Queue} for {Function} failed; polling again in {Pause}.", queueName, functionName, options.MaxPollingInterval);
                pause = options.MaxPollingInterval;
            }
            await Task.Delay(pause, stoppingToken);
        }
    }

    private async Task ProcessAsync(QueueClient queue, QueueMessage message, CancellationToken stoppingToken)
    {
        // A message delivered more often than allowed failed without being released: its function crashed the host.
        if (message.DequeueCount > options.MaxDequeueCount)
        {
            await MoveToPoisonAsync(queue, message.MessageId, message.PopReceipt, message.Body, stoppingToken);
            return;
        }
        var popReceipt = message.PopReceipt;
        using var finished = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var keepInvisible = KeepInvisibleAsync();
        try
        {
            await using (var scope = scopes.CreateAsyncScope()) await invoke(scope.ServiceProvider, message.Body, stoppingToken);
            await StopKeepingInvisibleAsync();
            await queue.DeleteMessageAsync(message.MessageId, popReceipt, stoppingToken);
        }
        catch (Exception e)
        {
            await StopKeepingInvisibleAsync();
            if (stoppingToken.IsCancellationRequested)
            {
                // Shutting down: hand the message straight back for the next host to take.
                await queue.UpdateMessageAsync(message.MessageId, popReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None);
                throw;
            }
            logger.LogError(e, "{Function} failed on message {MessageId} (delivery {Delivery} of {Max}).", functionName, message.MessageId, message.DequeueCount, options.MaxDequeueCount);
            if (message.DequeueCount >= options.MaxDequeueCount)
                await MoveToPoisonAsync(queue, message.MessageId, popReceipt, message.Body, stoppingToken);
            else
                await queue.UpdateMessageAsync(message.MessageId, popReceipt, visibilityTimeout: options.VisibilityTimeout, cancellationToken: stoppingToken);
        }

        async Task KeepInvisibleAsync()
        {
            using var every = new PeriodicTimer(InvisibleWhileRunning / 3);
            try
            {
                while (await every.WaitForNextTickAsync(finished.Token))
                    popReceipt = (await queue.UpdateMessageAsync(message.MessageId, popReceipt, visibilityTimeout: InvisibleWhileRunning, cancellationToken: finished.Token)).Value.PopReceipt;
            }
            catch (OperationCanceledException) when (finished.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "{Function}: keeping message {MessageId} invisible failed; another delivery may start.", functionName, message.MessageId);
            }
        }

        async Task StopKeepingInvisibleAsync()
        {
            await finished.CancelAsync();
            await keepInvisible;
        }
    }

    private async Task MoveToPoisonAsync(QueueClient queue, string messageId, string popReceipt, BinaryData body, CancellationToken cancellationToken)
    {
        var poison = await queues.GetAsync(queueName + ProjectionQueues.PoisonSuffix, cancellationToken);
        await poison.SendMessageAsync(body, cancellationToken: cancellationToken);
        await queue.DeleteMessageAsync(messageId, popReceipt, cancellationToken);
        logger.LogError("{Function}: message {MessageId} moved to {PoisonQueue} after {Max} failed deliveries.", functionName, messageId, poison.Name, options.MaxDequeueCount);
    }
}
