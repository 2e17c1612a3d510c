using System.Reflection;

namespace TodoFunctions.Infra.Tests.Mutations;

/// <summary>
/// The suite's infrastructure assertions, run by reflection against any <see cref="CompiledInfrastructure"/>: every
/// <c>[Fact]</c> and every <c>[Theory]</c> data row of the classes in the <see cref="CompiledInfrastructure"/>
/// collection, exactly as xunit runs them on the real <c>infra/</c>.
/// </summary>
public static class AssertionSuite
{
    private static readonly IReadOnlyList<(Type TestClass, MethodInfo Method, object?[] Arguments)> Cases =
        typeof(AssertionSuite).Assembly.GetTypes()
            .Where(type => type.GetCustomAttribute<CollectionAttribute>() is not null)
            .Where(type => type.GetConstructor([typeof(CompiledInfrastructure)]) is not null)
            .SelectMany(type => type.GetMethods().Select(method => (Type: type, Method: method)))
            .Where(test => test.Method.GetCustomAttribute<FactAttribute>() is { Skip: null })
            .SelectMany(test => ArgumentRows(test.Method).Select(arguments => (test.Type, test.Method, arguments)))
            .ToList();

    public static int Count => Cases.Count;

    /// <summary>The assertions that fail against <paramref name="infra"/>, by class, method and arguments.</summary>
    public static async Task<IReadOnlyList<string>> FailuresAgainstAsync(CompiledInfrastructure infra)
    {
        var failures = new List<string>();
        foreach (var (testClass, method, arguments) in Cases)
        {
            if (await FailsAsync(testClass, method, arguments, infra))
            {
                failures.Add($"{testClass.Name}.{method.Name}({string.Join(", ", arguments)})");
            }
        }

        return failures;
    }

    // An async test's assertions fail in the task it returns, so the task is awaited.
    private static async Task<bool> FailsAsync(Type testClass, MethodInfo method, object?[] arguments, CompiledInfrastructure infra)
    {
        try
        {
            if (method.Invoke(Activator.CreateInstance(testClass, infra), arguments) is Task test)
            {
                await test;
            }

            return false;
        }
        catch (TargetInvocationException)
        {
            return true;
        }
        catch (Exception) when (method.ReturnType != typeof(void))
        {
            return true;
        }
    }

    private static IEnumerable<object?[]> ArgumentRows(MethodInfo method) =>
        method.GetCustomAttribute<TheoryAttribute>() is null
            ? [[]]
            : method.GetCustomAttributes<Xunit.Sdk.DataAttribute>().SelectMany(data => data.GetData(method));
}
