using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Query;

/// <summary>
/// A parsed Cosmos DB NoSQL query over one container, evaluated in full (filter, sort, projection, aggregates,
/// paging clauses) so the gateway can answer with a trivial query plan; the subset is listed in docs/emulator.md.
/// </summary>
public sealed class CosmosSqlQuery
{
    private static readonly IReadOnlyDictionary<AggregateCall, JToken?> NoAggregates = new Dictionary<AggregateCall, JToken?>();

    private readonly SelectStatement _statement;
    private readonly IReadOnlyList<AggregateCall> _aggregates;
    private readonly IReadOnlyList<string> _parameterNames;
    private readonly PositionOrder _order;

    private CosmosSqlQuery(SelectStatement statement)
    {
        _statement = statement;
        var expressions = AllExpressions(statement).ToList();
        CheckIdentifiers(expressions, statement.Alias);
        _aggregates = FindAggregates(statement);
        _parameterNames = expressions.SelectMany(e => e.DescendantsAndSelf()).OfType<ParameterExpression>().Select(p => p.Name).Distinct().ToList();
        SortPaths = [.. statement.OrderBy.Select(OrderByIndexRule.PathOf)];
        _order = new PositionOrder([.. statement.OrderBy.Select(key => key.Descending)]);
    }

    /// <summary>The ORDER BY keys as document paths, for the check against the container's composite indexes.</summary>
    internal IReadOnlyList<SortPath> SortPaths { get; }

    /// <summary>Whether the results over several parts of a container, concatenated, are the results over all of
    /// it: true for filters and projections, false for ORDER BY, TOP, OFFSET/LIMIT, DISTINCT and aggregates.</summary>
    public bool CanRunPerRange =>
        _statement.OrderBy.Count == 0 && _statement.Top is null && _statement.Offset is null && _statement.Limit is null
        && !_statement.Distinct && _aggregates.Count == 0;

    /// <summary>Parses query text; throws <see cref="CosmosSqlException"/> for a syntax error or an unsupported construct.</summary>
    public static CosmosSqlQuery Parse(string queryText) => new(SqlParser.Parse(queryText));

    /// <summary>
    /// Runs the query over the documents in scope. Parameters are keyed by name including '@'. Results may share
    /// tokens with the input documents; throws <see cref="CosmosSqlException"/> for a missing parameter or a bad row count.
    /// </summary>
    public IReadOnlyList<JToken> Execute(IEnumerable<JObject> documents, IReadOnlyDictionary<string, JToken> parameters) =>
        QueryCursor.Start.NextPage(Rows(documents, parameters), int.MaxValue).Page;

    /// <summary>The result order: the ORDER BY keys with their directions, then resource ids.</summary>
    internal PositionOrder Order => _order;

    /// <summary>Whether an ordered index of the container can serve the query: it has ORDER BY and no aggregate
    /// (the parser refuses the two together), so its rows are the documents, in index order, that pass the filter.</summary>
    internal bool IsOrderedByDocumentPaths => SortPaths.Count > 0;

    /// <summary>What identifies the index that serves this query's ORDER BY: the sort keys' paths (a property and an
    /// array element of the same name differ) and directions, whatever the FROM alias.</summary>
    internal string SortIndexName => string.Join(",", _statement.OrderBy.Select(key => PathName(key.Expression) + (key.Descending ? " DESC" : "")));

    /// <summary>The defined results in result order, each with its position, and the row counts of OFFSET, LIMIT and TOP.</summary>
    internal OrderedRows Rows(IEnumerable<JObject> documents, IReadOnlyDictionary<string, JToken> parameters) =>
        Rows(documents, parameters, inSortOrder: false);

    /// <summary>As <see cref="Rows(IEnumerable{JObject}, IReadOnlyDictionary{string, JToken})"/> over documents
    /// already in this query's result order (an index walk): evaluated lazily, so a page reads only what it needs.</summary>
    internal OrderedRows RowsInSortOrder(IEnumerable<JObject> documentsInOrder, IReadOnlyDictionary<string, JToken> parameters) =>
        Rows(documentsInOrder, parameters, inSortOrder: true);

    /// <summary>The range the filter puts on the leading ORDER BY key, for an index walk to seek to.</summary>
    internal SortKeyBounds LeadingKeyBounds(IReadOnlyDictionary<string, JToken> parameters) =>
        SortKeyBounds.Of(_statement.Where, _statement.OrderBy[0].Expression, parameters);

    /// <summary>Whether the leading ORDER BY key is descending, so its index walk meets the upper bound first.</summary>
    internal bool LeadingKeyDescending => _statement.OrderBy[0].Descending;

    /// <summary>Where a document stands in this query's result order.</summary>
    internal RowPosition PositionOf(JObject document) => PositionOf(new EvaluationScope(document, new Dictionary<string, JToken>(), NoAggregates));

    private OrderedRows Rows(IEnumerable<JObject> documents, IReadOnlyDictionary<string, JToken> parameters, bool inSortOrder)
    {
        if (_parameterNames.FirstOrDefault(name => !parameters.ContainsKey(name)) is { } missing)
            throw new CosmosSqlException($"The query parameter {missing} has no value.");
        var noDocument = new EvaluationScope(null, parameters, NoAggregates);
        var skip = RowCount(_statement.Offset, "OFFSET", noDocument) ?? 0;
        var take = Math.Min(RowCount(_statement.Limit, "LIMIT", noDocument) ?? int.MaxValue, RowCount(_statement.Top, "TOP", noDocument) ?? int.MaxValue);

        // Without FROM, the query is evaluated once, over no document.
        IEnumerable<EvaluationScope> sources = _statement.Alias is null ? [noDocument] : documents.Select(document => noDocument with { Document = document });
        var matching = sources.Where(IsMatch);
        IEnumerable<(JToken? Value, RowPosition Position)> rows = _aggregates.Count > 0
            ? [(Value: ProjectAggregates(matching, parameters), Position: new RowPosition([], null))]
            : matching.Select(row => (Value: Project(row), Position: PositionOf(row)));
        if (!inSortOrder) rows = rows.OrderBy(row => row.Position, _order);
        var defined = rows.Where(row => row.Value is not null).Select(row => new QueryRow(row.Value!, row.Position));
        return new OrderedRows(inSortOrder ? defined : defined.ToList(), _order, skip, take, _statement.Distinct);
    }

    private bool IsMatch(EvaluationScope row) => _statement.Where is null || SqlValues.AsBoolean(_statement.Where.Evaluate(row)) == true;

    private JToken? Project(EvaluationScope row) => _statement.Projection.Evaluate(row);

    private RowPosition PositionOf(EvaluationScope row) =>
        new([.. _statement.OrderBy.Select(key => key.Expression.Evaluate(row))], row.Document?.Value<string>("_rid"));

    /// <summary>Without GROUP BY, an aggregate query folds all matching documents into exactly one result row.</summary>
    /// <remarks>One pass that keeps the arguments' values, not the documents: a full scan holds one parsed document at a time.</remarks>
    private JToken? ProjectAggregates(IEnumerable<EvaluationScope> rows, IReadOnlyDictionary<string, JToken> parameters)
    {
        var arguments = _aggregates.Select(_ => new List<JToken>()).ToArray();
        foreach (var row in rows)
            for (var index = 0; index < _aggregates.Count; index++)
                if (_aggregates[index].Argument.Evaluate(row) is { } value)
                    arguments[index].Add(Detached(value));
        var values = new Dictionary<AggregateCall, JToken?>(ReferenceEqualityComparer.Instance);
        for (var index = 0; index < _aggregates.Count; index++)
            values[_aggregates[index]] = _aggregates[index].Aggregate.Compute(arguments[index]);
        return Project(new EvaluationScope(null, parameters, values));
    }

    // A value inside its document's tree would keep the whole tree alive (a document itself, for COUNT(c)). An
    // aggregate needs a primitive's value, and of an array or object only that it is one (see SqlAggregate).
    private static JToken Detached(JToken value) => value switch
    {
        JArray => new JArray(),
        JObject => new JObject(),
        JValue { Parent: not null } primitive => new JValue(primitive),
        _ => value,
    };

    private static string PathName(SqlExpression path) => path switch
    {
        PropertyExpression property => PathName(property.Target) + "." + JsonConvert.ToString(property.Name),
        IndexExpression element => PathName(element.Target) + "[" + ((LiteralExpression)element.Index).Value + "]",
        _ => "",
    };

    private static int? RowCount(SqlExpression? count, string clause, EvaluationScope scope)
    {
        if (count is null) return null;
        return SqlValues.AsNumber(count.Evaluate(scope)) is { } value && double.IsInteger(value) && value is >= 0 and <= int.MaxValue
            ? (int)value
            : throw new CosmosSqlException($"{clause} expects a non-negative integer.");
    }

    private static IEnumerable<SqlExpression> AllExpressions(SelectStatement statement) =>
        new[] { statement.Projection, statement.Where, statement.Top, statement.Offset, statement.Limit }
            .Concat(statement.OrderBy.Select(key => key.Expression))
            .OfType<SqlExpression>();

    private static void CheckIdentifiers(IEnumerable<SqlExpression> expressions, string? alias)
    {
        var unknown = expressions.SelectMany(e => e.DescendantsAndSelf()).OfType<AliasExpression>().FirstOrDefault(a => a.Name != alias);
        if (unknown is not null)
            throw new CosmosSqlException(alias is null
                ? $"Identifier '{unknown.Name}' could not be resolved; the query has no FROM clause."
                : $"Identifier '{unknown.Name}' could not be resolved; the FROM alias is '{alias}'.");
    }

    private static List<AggregateCall> FindAggregates(SelectStatement statement)
    {
        var outsideSelect = AllExpressions(statement with { Projection = new LiteralExpression(null) });
        if (outsideSelect.SelectMany(e => e.DescendantsAndSelf()).OfType<AggregateCall>().Any())
            throw CosmosSqlException.Unsupported("aggregate outside the SELECT clause");
        var aggregates = statement.Projection.DescendantsAndSelf().OfType<AggregateCall>().ToList();
        if (aggregates.Count == 0) return aggregates;
        if (aggregates.Any(a => a.Argument.DescendantsAndSelf().OfType<AggregateCall>().Any()))
            throw CosmosSqlException.Unsupported("nested aggregate");
        if (OutsideAggregates(statement.Projection).OfType<AliasExpression>().Any())
            throw CosmosSqlException.Unsupported("GROUP BY (a document value selected next to an aggregate)");
        if (statement.OrderBy.Count > 0) throw CosmosSqlException.Unsupported("ORDER BY with an aggregate");
        return aggregates;
    }

    private static IEnumerable<SqlExpression> OutsideAggregates(SqlExpression expression) =>
        expression is AggregateCall ? [] : expression.Children.SelectMany(OutsideAggregates).Prepend(expression);
}
