using System.Reflection;
using TodoFunctions.Benchmarks.Crud;

namespace TodoFunctions.Api.Tests;

/// <summary>A local host in a database of its own that also serves the load benchmark's plain-CRUD baseline at <c>/api/crud/todos</c>.</summary>
public sealed class CrudBaselineFixture : LocalHostFixture, IAsyncLifetime
{
    protected override IReadOnlyList<Assembly> AdditionalFunctionAssemblies => [typeof(CrudTodoFunctions).Assembly];

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        await CrudTodoFunctions.CreateContainerAsync(Host.Services);
    }
}
