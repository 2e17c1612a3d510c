using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing.Template;
using TodoFunctions.Api.Http;

namespace TodoFunctions.Local;

/// <summary>
/// What no function serves, answered with the API's problem+json instead of routing's empty 404 or 405: a path that
/// matches no function's route, or a method (TRACE, CONNECT, any odd verb) that no function on that route declares.
/// </summary>
public static class UnroutedRequests
{
    /// <summary>
    /// On a route whose functions include one that answers OPTIONS, that function answers every other method too
    /// (it is the route's preflight-or-405 function, which names the allowed methods); on any other route the answer
    /// is 405 naming the methods its functions declare. Routes are tried as routing ranks them, literal segments before
    /// parameters, so <c>/api/todos/trash</c> is not taken for a todo's id. A catch-all route (the web app's
    /// <c>{*path}</c>) matches every path, so its methods say nothing of any one path: it is left out, and a path only
    /// it matches is unknown, 404 for every method, as before the web app.
    /// </summary>
    public static void MapUnroutedRequestsAsProblems(this IEndpointRouteBuilder endpoints, IEnumerable<(string Route, string[]? Methods, RequestDelegate Invoke)> functions)
    {
        var routes = functions.Where(function => !TemplateParser.Parse(function.Route).Parameters.Any(parameter => parameter.IsCatchAll)).GroupBy(function => function.Route).OrderBy(route => RoutePrecedence.ComputeInbound(TemplateParser.Parse(route.Key))).Select(route => new ServedRoute(
            new TemplateMatcher(TemplateParser.Parse(route.Key), new RouteValueDictionary()),
            route.FirstOrDefault(function => function.Methods?.Contains("options", StringComparer.OrdinalIgnoreCase) == true).Invoke,
            string.Join(", ", route.SelectMany(function => function.Methods ?? []).Select(method => method.ToUpperInvariant()).Distinct()))).ToList();

        // "{**path}", not the default "{*path:nonfile}": a last segment that looks like a file name is unrouted too.
        endpoints.MapFallback("{**path}", async context =>
        {
            var values = new RouteValueDictionary();
            var route = routes.FirstOrDefault(served => served.Matcher.TryMatch(context.Request.Path, values));
            if (route?.AnswersOtherMethods is { } answer)
            {
                foreach (var (name, value) in values) context.Request.RouteValues[name] = value;
                await answer(context);
                return;
            }
            var refusal = await context.RequestServices.GetRequiredService<TodoHttp>().RefuseUnrouted(context.Request, route?.DeclaredMethods);
            await refusal.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
        });
    }

    private sealed record ServedRoute(TemplateMatcher Matcher, RequestDelegate? AnswersOtherMethods, string DeclaredMethods);
}
