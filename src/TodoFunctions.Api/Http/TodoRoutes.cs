namespace TodoFunctions.Api.Http;

/// <summary>The API's routes: read by the trigger attributes, the URLs handed to clients and the local host alike.</summary>
public static class TodoRoutes
{
    /// <summary>The Functions host's route prefix; <c>host.json</c> states the same value and a test keeps them equal.</summary>
    public const string Prefix = "api";

    public const string Todos = "todos";
    public const string Todo = "todos/{id}";
    public const string TodoEvents = "todos/{id}/events";

    /// <summary>What CORS preflights allow: every method the API serves on any of its routes.</summary>
    public const string CorsMethods = "GET, POST, PATCH, DELETE, OPTIONS";
}
