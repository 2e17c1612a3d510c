using System.Text.RegularExpressions;

namespace TodoFunctions.Infra.Tests;

/// <summary>A runtime property read such as <c>[reference('&lt;id&gt;', '&lt;api&gt;').principalId]</c>: which resource, which property.</summary>
public sealed partial record ArmReference(string ResourceId, string Property)
{
    public static ArmReference Parse(string expression)
    {
        var match = ReferenceExpression().Match(expression);
        Assert.True(match.Success, $"{expression} is not a reference to a resource property");
        return new ArmReference(match.Groups["id"].Value, match.Groups["property"].Value);
    }

    [GeneratedRegex(@"^\[reference\('(?<id>[^']+)', '[^']+'\)\.(?<property>\w+)\]$")]
    private static partial Regex ReferenceExpression();
}
