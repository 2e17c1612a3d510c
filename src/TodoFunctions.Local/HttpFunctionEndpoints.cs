using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.Azure.Functions.Worker;
using TodoFunctions.Api.Http;

namespace TodoFunctions.Local;

/// <summary>
/// Serves a Functions app's HTTP functions as ASP.NET Core endpoints, read from the same <c>[Function]</c> and
/// <c>[HttpTrigger]</c> attributes the Functions host indexes, so this host and Azure expose the same routes, methods
/// and authorization levels.
/// </summary>
public static class HttpFunctionEndpoints
{
    /// <summary>Every HTTP-triggered function of the assembly: its name, route, methods (null: all), authorization level and method.</summary>
    public static IEnumerable<(string Name, string Route, string[]? Methods, AuthorizationLevel AuthLevel, MethodInfo Method)> Find(Assembly functions) =>
        from found in FunctionIndex.Find<HttpTriggerAttribute>(functions)
        select (found.Function.Name, found.Trigger.Route ?? found.Function.Name, found.Trigger.Methods, found.Trigger.AuthLevel, found.Method);

    /// <summary>
    /// Maps the functions of the assemblies; those above <c>AuthorizationLevel.Anonymous</c> answer 401 without <paramref name="key"/>.
    /// What none of them serves answers a problem too (see <see cref="UnroutedRequests"/>).
    /// </summary>
    public static void MapHttpFunctions(this IEndpointRouteBuilder endpoints, IEnumerable<Assembly> functions, FunctionKey key)
    {
        var mapped = new List<(string Route, string[]? Methods, RequestDelegate Invoke)>();
        foreach (var (name, route, methods, authLevel, method) in functions.SelectMany(Find))
        {
            var invoke = authLevel == AuthorizationLevel.Anonymous ? Invoker(method) : RequiringKey(key, Invoker(method));
            var endpoint = methods is { Length: > 0 }
                ? endpoints.MapMethods(route, methods.Select(m => m.ToUpperInvariant()), invoke)
                : endpoints.Map(route, invoke);
            endpoint.WithDisplayName(name);
            mapped.Add((route, methods, invoke));
        }
        endpoints.MapUnroutedRequestsAsProblems(mapped);
    }

    /// <summary>Runs a function as the worker does: a fresh instance from DI per call, then its IActionResult executed.</summary>
    private static RequestDelegate Invoker(MethodInfo method)
    {
        var binders = method.GetParameters().Select(Binder).ToArray();
        return async context =>
        {
            var returned = FunctionIndex.Invoke(method, context.RequestServices, [.. binders.Select(bind => bind(context))]);
            var result = returned switch
            {
                Task<IActionResult> pending => await pending,
                IActionResult done => done,
                _ => throw new NotSupportedException($"{method.Name} returned {returned?.GetType().Name ?? "null"}; the local host executes IActionResult."),
            };
            await result.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
        };
    }

    /// <summary>Refuses a request without the key as the Functions host would, but with the API's problem+json and headers.</summary>
    private static RequestDelegate RequiringKey(FunctionKey key, RequestDelegate invoke) => async context =>
    {
        if (key.IsPresentIn(context.Request))
        {
            await invoke(context);
            return;
        }
        var refusal = await context.RequestServices.GetRequiredService<TodoHttp>().RefuseWithoutFunctionKey(context.Request);
        await refusal.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
    };

    /// <summary>Binds what this app's HTTP functions take; anything else fails at start-up, not on a request.</summary>
    private static Func<HttpContext, object?> Binder(ParameterInfo parameter) => parameter.ParameterType switch
    {
        var type when type == typeof(HttpRequest) => context => context.Request,
        var type when type == typeof(CancellationToken) => context => context.RequestAborted,
        var type when type == typeof(string) => context => context.Request.RouteValues[parameter.Name!]?.ToString(),
        var type => throw new NotSupportedException(
            $"{parameter.Member.DeclaringType?.Name}.{parameter.Member.Name}: the local host cannot bind parameter '{parameter.Name}' of type {type.Name}."),
    };
}
