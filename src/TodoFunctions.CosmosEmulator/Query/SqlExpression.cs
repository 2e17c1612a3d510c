using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Query;

/// <summary>What an expression is evaluated against: one document of the FROM source, the parameters and, in an aggregate query, the aggregate results.</summary>
internal sealed record EvaluationScope(
    JToken? Document,
    IReadOnlyDictionary<string, JToken> Parameters,
    IReadOnlyDictionary<AggregateCall, JToken?> Aggregates);

/// <summary>A node of a parsed scalar expression; evaluating it yields a value or <c>null</c> for undefined.</summary>
internal abstract record SqlExpression
{
    public abstract JToken? Evaluate(EvaluationScope scope);

    public virtual IEnumerable<SqlExpression> Children => [];

    public IEnumerable<SqlExpression> DescendantsAndSelf() => Children.SelectMany(child => child.DescendantsAndSelf()).Prepend(this);
}

internal sealed record LiteralExpression(JToken? Value) : SqlExpression
{
    public override JToken? Evaluate(EvaluationScope scope) => Value;
}

internal sealed record ParameterExpression(string Name) : SqlExpression
{
    public override JToken? Evaluate(EvaluationScope scope) => scope.Parameters[Name] is { Type: not JTokenType.Undefined } value ? value : null;
}

/// <summary>A bare identifier; the parser checks that it names the FROM alias, so it evaluates to the document.</summary>
internal sealed record AliasExpression(string Name) : SqlExpression
{
    public override JToken? Evaluate(EvaluationScope scope) => scope.Document;
}

/// <summary><c>target.name</c>, and <c>target["name"]</c> with a literal name.</summary>
internal sealed record PropertyExpression(SqlExpression Target, string Name) : SqlExpression
{
    public override JToken? Evaluate(EvaluationScope scope) => Target.Evaluate(scope) is JObject target ? target[Name] : null;

    public override IEnumerable<SqlExpression> Children => [Target];
}

/// <summary><c>target[index]</c> with a computed index: a string reads a property, an integer an array element.</summary>
internal sealed record IndexExpression(SqlExpression Target, SqlExpression Index) : SqlExpression
{
    public override JToken? Evaluate(EvaluationScope scope)
    {
        var target = Target.Evaluate(scope);
        var index = Index.Evaluate(scope);
        if (target is JObject obj && SqlValues.AsString(index) is { } name) return obj[name];
        if (target is JArray array && SqlValues.AsNumber(index) is { } position && double.IsInteger(position) && position >= 0 && position < array.Count)
            return array[(int)position];
        return null;
    }

    public override IEnumerable<SqlExpression> Children => [Target, Index];
}

internal sealed record NotExpression(SqlExpression Operand) : SqlExpression
{
    public override JToken? Evaluate(EvaluationScope scope) =>
        SqlValues.AsBoolean(Operand.Evaluate(scope)) is { } value ? SqlValues.Boolean(!value) : null;

    public override IEnumerable<SqlExpression> Children => [Operand];
}

internal sealed record NegateExpression(SqlExpression Operand) : SqlExpression
{
    public override JToken? Evaluate(EvaluationScope scope) =>
        SqlValues.AsNumber(Operand.Evaluate(scope)) is { } value ? SqlValues.Number(-value) : null;

    public override IEnumerable<SqlExpression> Children => [Operand];
}

/// <summary>A binary operator; <see cref="SqlOperators"/> holds the semantics of each.</summary>
internal sealed record BinaryExpression(string Operator, SqlExpression Left, SqlExpression Right) : SqlExpression
{
    public override JToken? Evaluate(EvaluationScope scope) => SqlOperators.Apply(Operator, Left.Evaluate(scope), Right.Evaluate(scope));

    public override IEnumerable<SqlExpression> Children => [Left, Right];
}

/// <summary><c>value IN (a, b, …)</c>: undefined for an undefined value, otherwise whether any candidate equals it.</summary>
internal sealed record InExpression(SqlExpression Value, IReadOnlyList<SqlExpression> Candidates) : SqlExpression
{
    public override JToken? Evaluate(EvaluationScope scope)
    {
        var value = Value.Evaluate(scope);
        if (value is null) return null;
        return SqlValues.Boolean(Candidates.Any(candidate => SqlValues.AreEqual(value, candidate.Evaluate(scope))));
    }

    public override IEnumerable<SqlExpression> Children => Candidates.Prepend(Value);
}

/// <summary><c>value BETWEEN low AND high</c>, inclusive, with the range comparison's undefined for mixed types.</summary>
internal sealed record BetweenExpression(SqlExpression Value, SqlExpression Low, SqlExpression High) : SqlExpression
{
    public override JToken? Evaluate(EvaluationScope scope)
    {
        var value = Value.Evaluate(scope);
        return SqlOperators.Apply("AND", SqlOperators.Apply(">=", value, Low.Evaluate(scope)), SqlOperators.Apply("<=", value, High.Evaluate(scope)));
    }

    public override IEnumerable<SqlExpression> Children => [Value, Low, High];
}

/// <summary><c>condition ? whenTrue : whenFalse</c>; anything but <c>true</c> selects the second branch.</summary>
internal sealed record ConditionalExpression(SqlExpression Condition, SqlExpression WhenTrue, SqlExpression WhenFalse) : SqlExpression
{
    public override JToken? Evaluate(EvaluationScope scope) =>
        SqlValues.AsBoolean(Condition.Evaluate(scope)) == true ? WhenTrue.Evaluate(scope) : WhenFalse.Evaluate(scope);

    public override IEnumerable<SqlExpression> Children => [Condition, WhenTrue, WhenFalse];
}

internal sealed record FunctionCall(SqlFunction Function, IReadOnlyList<SqlExpression> Arguments) : SqlExpression
{
    public override JToken? Evaluate(EvaluationScope scope) => Function.Invoke([.. Arguments.Select(argument => argument.Evaluate(scope))]);

    public override IEnumerable<SqlExpression> Children => Arguments;
}

/// <summary>COUNT, SUM, MIN, MAX or AVG; computed once over all matching documents, then read here.</summary>
internal sealed record AggregateCall(SqlAggregate Aggregate, SqlExpression Argument) : SqlExpression
{
    public override JToken? Evaluate(EvaluationScope scope) => scope.Aggregates[this];

    public override IEnumerable<SqlExpression> Children => [Argument];
}

/// <summary><c>[a, b, …]</c>; undefined elements are left out.</summary>
internal sealed record ArrayExpression(IReadOnlyList<SqlExpression> Items) : SqlExpression
{
    public override JToken? Evaluate(EvaluationScope scope) => new JArray(Items.Select(item => item.Evaluate(scope)).OfType<JToken>());

    public override IEnumerable<SqlExpression> Children => Items;
}

/// <summary><c>{name: value, …}</c>, also the shape of a SELECT list; undefined values are left out.</summary>
internal sealed record ObjectExpression(IReadOnlyList<KeyValuePair<string, SqlExpression>> Properties) : SqlExpression
{
    public override JToken? Evaluate(EvaluationScope scope)
    {
        var result = new JObject();
        foreach (var (name, expression) in Properties)
            if (expression.Evaluate(scope) is { } value) result[name] = value;
        return result;
    }

    public override IEnumerable<SqlExpression> Children => Properties.Select(property => property.Value);
}
