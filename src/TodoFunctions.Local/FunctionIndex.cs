using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace TodoFunctions.Local;

/// <summary>
/// Finds and calls a Functions app's functions the way the Functions host and worker do, so the local host's HTTP
/// endpoints and queue listeners share one reading of the <c>[Function]</c> and trigger attributes.
/// </summary>
internal static class FunctionIndex
{
    /// <summary>Every <c>[Function]</c> method of the assembly whose trigger parameter carries <typeparamref name="TTrigger"/>.</summary>
    public static IEnumerable<(FunctionAttribute Function, TTrigger Trigger, MethodInfo Method)> Find<TTrigger>(Assembly functions)
        where TTrigger : Attribute =>
        from type in functions.GetExportedTypes()
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
        let function = method.GetCustomAttribute<FunctionAttribute>()
        let trigger = method.GetParameters().Select(p => p.GetCustomAttribute<TTrigger>()).SingleOrDefault(t => t is not null)
        where function is not null && trigger is not null
        select (function, trigger, method);

    /// <summary>Calls a function as the worker does: on a fresh instance from DI per invocation (none for a static method).</summary>
    public static object? Invoke(MethodInfo method, IServiceProvider services, object?[] arguments)
    {
        var target = method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, method.DeclaringType!);
        return method.Invoke(target, BindingFlags.DoNotWrapExceptions, null, arguments, null);
    }
}
