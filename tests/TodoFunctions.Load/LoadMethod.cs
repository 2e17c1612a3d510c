namespace TodoFunctions.Load;

/// <summary>What a load client can do to the Todo-Backend API, each with the one status that means it worked.</summary>
public enum LoadMethod
{
    /// <summary>POST /todos: 201.</summary>
    Post,

    /// <summary>GET /todos/{id} of one of the client's own todos: 200.</summary>
    Get,

    /// <summary>PATCH /todos/{id} of one of the client's own todos: 200.</summary>
    Patch,

    /// <summary>GET /todos?limit=N: 200.</summary>
    List,

    /// <summary>DELETE /todos/{id} of one of the client's own todos: 204.</summary>
    Delete,
}
