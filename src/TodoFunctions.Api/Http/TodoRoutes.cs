namespace TodoFunctions.Api.Http;

/// <summary>The API's routes: read by the trigger attributes, the URLs handed to clients and the local host alike.</summary>
public static class TodoRoutes
{
    /// <summary>
    /// The segment every route starts with, so the API answers under <c>/api</c> as <c>func start</c> serves it. The
    /// routes carry it themselves and <c>host.json</c> sets an empty <c>routePrefix</c>, because the Functions host
    /// refuses any route that starts with <c>admin</c> (its own management API) and the admin API lives at <c>/api/admin/…</c>.
    /// </summary>
    public const string Prefix = "api";

    public const string Todos = Prefix + "/todos";
    public const string Todo = Prefix + "/todos/{id}";
    public const string TodoEvents = Prefix + "/todos/{id}/events";
    public const string Trash = Prefix + "/todos/trash";
    public const string TodoRestore = Prefix + "/todos/{id}/restore";
    public const string TrashedTodo = Prefix + "/todos/trash/{id}";
    public const string Statistics = Prefix + "/stats";
    public const string Health = Prefix + "/health";

    /// <summary>The web app's files at <c>/</c>; every route above is more specific, so the API's paths stay the API's.</summary>
    public const string WebApp = "{*path}";
    public const string OpenApiDocument = Prefix + "/openapi.json";

    public const string ProjectionStatus = Prefix + "/admin/projections/todos";
    public const string ProjectionHealth = Prefix + "/admin/projections/todos/health";
    public const string ProjectionRebuild = Prefix + "/admin/projections/todos/rebuild";
    public const string ProjectionRebuildCancel = Prefix + "/admin/projections/todos/rebuild/cancel";
    public const string ParkedTodos = Prefix + "/admin/projections/todos/parked";
    public const string ParkedTodoRetry = Prefix + "/admin/projections/todos/parked/{id}/retry";

    /// <summary>What CORS preflights allow: every method the API serves on any of its routes.</summary>
    public const string CorsMethods = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
}
