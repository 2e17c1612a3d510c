using System.Globalization;
using Newtonsoft.Json.Linq;

namespace TodoFunctions.CosmosEmulator.Query;

/// <summary>The clauses of one SELECT statement; the SELECT list is kept as a single projection expression.</summary>
internal sealed record SelectStatement(
    bool Distinct,
    SqlExpression? Top,
    SqlExpression Projection,
    string? Alias,
    SqlExpression? Where,
    IReadOnlyList<SortKey> OrderBy,
    SqlExpression? Offset,
    SqlExpression? Limit);

internal sealed record SortKey(SqlExpression Expression, bool Descending);

/// <summary>
/// Recursive-descent parser for the supported subset of Cosmos DB NoSQL SQL. Constructs outside the subset that
/// Cosmos DB itself accepts are recognised and refused with a message naming them, never misread.
/// </summary>
internal sealed class SqlParser
{
    private static readonly HashSet<string> ReservedWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "SELECT", "FROM", "WHERE", "ORDER", "BY", "GROUP", "JOIN", "AS", "ASC", "DESC", "AND", "OR", "NOT", "IN",
        "BETWEEN", "LIKE", "ESCAPE", "TOP", "VALUE", "DISTINCT", "OFFSET", "LIMIT", "TRUE", "FALSE", "NULL",
        "UNDEFINED", "EXISTS", "ARRAY", "UDF", "HAVING", "UNION",
    };

    private readonly List<SqlToken> _tokens;
    private int _next;

    private SqlParser(string text) => _tokens = SqlTokenizer.Tokenize(text);

    public static SelectStatement Parse(string text)
    {
        var parser = new SqlParser(text);
        var statement = parser.ParseSelect();
        if (parser.Current.Kind != SqlTokenKind.End) throw parser.Unexpected();
        return statement;
    }

    private SqlToken Current => _tokens[_next];

    private SqlToken Peek => _tokens[Math.Min(_next + 1, _tokens.Count - 1)];

    private SqlToken Advance() => _tokens[_next++];

    private bool AcceptKeyword(string keyword)
    {
        if (!Current.IsKeyword(keyword)) return false;
        _next++;
        return true;
    }

    private bool AcceptSymbol(string symbol)
    {
        if (!Current.IsSymbol(symbol)) return false;
        _next++;
        return true;
    }

    private void ExpectKeyword(string keyword)
    {
        if (!AcceptKeyword(keyword)) throw Unexpected($"'{keyword}'");
    }

    private void ExpectSymbol(string symbol)
    {
        if (!AcceptSymbol(symbol)) throw Unexpected($"'{symbol}'");
    }

    private CosmosSqlException Unexpected(string? expected = null)
    {
        var found = Current.Kind == SqlTokenKind.End ? "end of query" : $"'{Current.Text}' at position {Current.Position}";
        return new CosmosSqlException(expected is null ? $"Syntax error: unexpected {found}." : $"Syntax error: expected {expected} but found {found}.");
    }

    private bool AtName => Current.Kind == SqlTokenKind.Identifier && !ReservedWords.Contains(Current.Text);

    private string ExpectName()
    {
        if (!AtName) throw Unexpected("a name");
        return Advance().Text;
    }

    private SelectStatement ParseSelect()
    {
        ExpectKeyword("SELECT");
        var distinct = false;
        SqlExpression? top = null;
        while (true)
        {
            if (!distinct && AcceptKeyword("DISTINCT")) distinct = true;
            else if (top is null && AcceptKeyword("TOP")) top = ParseCount("TOP");
            else break;
        }
        var selectAll = AcceptSymbol("*");
        var projection = selectAll ? null : AcceptKeyword("VALUE") ? ParseExpression() : ParseSelectList();
        var alias = Current.IsKeyword("FROM") ? ParseFrom() : null;
        if (selectAll && alias is null) throw new CosmosSqlException("'SELECT *' is not valid if FROM clause is omitted.");
        if (Current.IsKeyword("JOIN")) throw CosmosSqlException.Unsupported("JOIN");
        var where = AcceptKeyword("WHERE") ? ParseExpression() : null;
        if (Current.IsKeyword("GROUP")) throw CosmosSqlException.Unsupported("GROUP BY");
        var orderBy = ParseOrderBy();
        SqlExpression? offset = null, limit = null;
        if (AcceptKeyword("OFFSET"))
        {
            offset = ParseCount("OFFSET");
            ExpectKeyword("LIMIT");
            limit = ParseCount("LIMIT");
        }
        return new SelectStatement(distinct, top, projection ?? new AliasExpression(alias!), alias, where, orderBy, offset, limit);
    }

    /// <summary>A row count (TOP, OFFSET, LIMIT): an integer literal or a parameter, checked when the query runs.</summary>
    private SqlExpression ParseCount(string clause) => Current.Kind switch
    {
        SqlTokenKind.Number => new LiteralExpression(NumberLiteral(Advance().Text)),
        SqlTokenKind.Parameter => new ParameterExpression(Advance().Text),
        _ => throw Unexpected($"a number or a parameter after {clause}"),
    };

    private ObjectExpression ParseSelectList()
    {
        var properties = new List<KeyValuePair<string, SqlExpression>>();
        var unnamed = 0;
        do
        {
            var expression = ParseExpression();
            var name = AcceptKeyword("AS") ? ExpectName() : AtName ? Advance().Text : InferredName(expression) ?? $"${++unnamed}";
            if (properties.Any(p => p.Key == name)) throw new CosmosSqlException($"Syntax error: the SELECT list names '{name}' twice.");
            properties.Add(new(name, expression));
        }
        while (AcceptSymbol(","));
        return new ObjectExpression(properties);
    }

    /// <summary>Cosmos DB names an unaliased SELECT item after the last property of its path, or the alias itself.</summary>
    private static string? InferredName(SqlExpression expression) => expression switch
    {
        PropertyExpression property => property.Name,
        AliasExpression alias => alias.Name,
        _ => null,
    };

    private string ParseFrom()
    {
        ExpectKeyword("FROM");
        var source = ExpectName();
        if (Current.IsKeyword("IN")) throw CosmosSqlException.Unsupported("FROM … IN (iteration over an array)");
        if (Current.IsSymbol(".") || Current.IsSymbol("[")) throw CosmosSqlException.Unsupported("FROM with a property path");
        return AcceptKeyword("AS") ? ExpectName() : AtName ? Advance().Text : source;
    }

    private List<SortKey> ParseOrderBy()
    {
        var keys = new List<SortKey>();
        if (!AcceptKeyword("ORDER")) return keys;
        ExpectKeyword("BY");
        do
        {
            if (Current.IsKeyword("RANK")) throw CosmosSqlException.Unsupported("ORDER BY RANK");
            var expression = ParseExpression();
            var descending = AcceptKeyword("DESC");
            if (!descending) AcceptKeyword("ASC");
            keys.Add(new SortKey(expression, descending));
        }
        while (AcceptSymbol(","));
        return keys;
    }

    private SqlExpression ParseExpression()
    {
        var condition = ParseCoalesce();
        if (!AcceptSymbol("?")) return condition;
        var whenTrue = ParseExpression();
        ExpectSymbol(":");
        return new ConditionalExpression(condition, whenTrue, ParseExpression());
    }

    private SqlExpression ParseCoalesce()
    {
        var left = ParseOr();
        while (AcceptSymbol("??")) left = new BinaryExpression("??", left, ParseOr());
        return left;
    }

    private SqlExpression ParseOr()
    {
        var left = ParseAnd();
        while (AcceptKeyword("OR")) left = new BinaryExpression("OR", left, ParseAnd());
        return left;
    }

    private SqlExpression ParseAnd()
    {
        var left = ParseNot();
        while (AcceptKeyword("AND")) left = new BinaryExpression("AND", left, ParseNot());
        return left;
    }

    private SqlExpression ParseNot() => AcceptKeyword("NOT") ? new NotExpression(ParseNot()) : ParseComparison();

    private SqlExpression ParseComparison()
    {
        var left = ParseConcat();
        while (true)
        {
            if (Current.Kind == SqlTokenKind.Symbol && SqlOperators.Comparisons.Contains(Current.Text))
            {
                left = new BinaryExpression(Advance().Text, left, ParseConcat());
                continue;
            }
            var negated = Current.IsKeyword("NOT") && (Peek.IsKeyword("IN") || Peek.IsKeyword("BETWEEN") || Peek.IsKeyword("LIKE"));
            if (negated) _next++;
            SqlExpression? predicate =
                AcceptKeyword("IN") ? new InExpression(left, ParseParenthesisedList()) :
                AcceptKeyword("BETWEEN") ? ParseBetween(left) :
                Current.IsKeyword("LIKE") ? throw CosmosSqlException.Unsupported("LIKE") :
                null;
            if (predicate is null) return left;
            left = negated ? new NotExpression(predicate) : predicate;
        }
    }

    private BetweenExpression ParseBetween(SqlExpression value)
    {
        var low = ParseConcat();
        ExpectKeyword("AND");
        return new BetweenExpression(value, low, ParseConcat());
    }

    private List<SqlExpression> ParseParenthesisedList()
    {
        ExpectSymbol("(");
        if (Current.IsKeyword("SELECT")) throw CosmosSqlException.Unsupported("subquery");
        var items = new List<SqlExpression> { ParseExpression() };
        while (AcceptSymbol(",")) items.Add(ParseExpression());
        ExpectSymbol(")");
        return items;
    }

    private SqlExpression ParseConcat()
    {
        var left = ParseAdditive();
        while (AcceptSymbol("||")) left = new BinaryExpression("||", left, ParseAdditive());
        return left;
    }

    private SqlExpression ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (Current.IsSymbol("+") || Current.IsSymbol("-")) left = new BinaryExpression(Advance().Text, left, ParseMultiplicative());
        return left;
    }

    private SqlExpression ParseMultiplicative()
    {
        var left = ParseUnary();
        while (true)
        {
            if (Current.IsSymbol("&") || Current.IsSymbol("|") || Current.IsSymbol("^"))
                throw CosmosSqlException.Unsupported($"bitwise operator {Current.Text}");
            if (!(Current.IsSymbol("*") || Current.IsSymbol("/") || Current.IsSymbol("%"))) return left;
            left = new BinaryExpression(Advance().Text, left, ParseUnary());
        }
    }

    private SqlExpression ParseUnary()
    {
        if (AcceptSymbol("-")) return new NegateExpression(ParseUnary());
        if (AcceptSymbol("+")) return ParseUnary();
        if (Current.IsSymbol("~")) throw CosmosSqlException.Unsupported("bitwise operator ~");
        return ParsePostfix(ParsePrimary());
    }

    private SqlExpression ParsePostfix(SqlExpression target)
    {
        while (true)
        {
            if (AcceptSymbol("."))
            {
                if (Current.Kind != SqlTokenKind.Identifier) throw Unexpected("a property name");
                target = new PropertyExpression(target, Advance().Text);
            }
            else if (AcceptSymbol("["))
            {
                var index = ParseExpression();
                ExpectSymbol("]");
                target = index is LiteralExpression { Value.Type: JTokenType.String } name
                    ? new PropertyExpression(target, name.Value.Value<string>()!)
                    : new IndexExpression(target, index);
            }
            else return target;
        }
    }

    private SqlExpression ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case SqlTokenKind.Number:
                _next++;
                return new LiteralExpression(NumberLiteral(token.Text));
            case SqlTokenKind.String:
                _next++;
                return new LiteralExpression(new JValue(token.Text));
            case SqlTokenKind.Parameter:
                _next++;
                return new ParameterExpression(token.Text);
            case SqlTokenKind.Identifier:
                return ParseIdentifierExpression();
        }
        if (AcceptSymbol("("))
        {
            if (Current.IsKeyword("SELECT")) throw CosmosSqlException.Unsupported("subquery");
            var inner = ParseExpression();
            ExpectSymbol(")");
            return inner;
        }
        if (AcceptSymbol("[")) return new ArrayExpression(ParseListUntil("]", ParseExpression));
        if (AcceptSymbol("{")) return new ObjectExpression(ParseListUntil("}", ParseObjectProperty));
        throw Unexpected();
    }

    private List<T> ParseListUntil<T>(string closing, Func<T> parseItem)
    {
        var items = new List<T>();
        if (AcceptSymbol(closing)) return items;
        do items.Add(parseItem());
        while (AcceptSymbol(","));
        ExpectSymbol(closing);
        return items;
    }

    private KeyValuePair<string, SqlExpression> ParseObjectProperty()
    {
        var name = Current.Kind is SqlTokenKind.String or SqlTokenKind.Identifier ? Advance().Text : throw Unexpected("a property name");
        ExpectSymbol(":");
        return new(name, ParseExpression());
    }

    private SqlExpression ParseIdentifierExpression()
    {
        var name = Advance().Text;
        switch (name.ToUpperInvariant())
        {
            case "TRUE": return new LiteralExpression(SqlValues.True);
            case "FALSE": return new LiteralExpression(SqlValues.False);
            case "NULL": return new LiteralExpression(JValue.CreateNull());
            case "UNDEFINED": return new LiteralExpression(null);
            case "UDF": throw CosmosSqlException.Unsupported("user-defined function");
            case "EXISTS": throw CosmosSqlException.Unsupported("EXISTS subquery");
            case "ARRAY" when Current.IsSymbol("("): throw CosmosSqlException.Unsupported("ARRAY subquery");
            case "SELECT": throw CosmosSqlException.Unsupported("subquery");
            case "NAN" or "INFINITY": throw CosmosSqlException.Unsupported($"{name} literal");
        }
        if (Current.IsSymbol("(")) return ParseCall(name);
        if (ReservedWords.Contains(name))
        {
            _next--;
            throw Unexpected();
        }
        return new AliasExpression(name);
    }

    private SqlExpression ParseCall(string name)
    {
        ExpectSymbol("(");
        var arguments = ParseListUntil(")", ParseExpression);
        if (SqlAggregate.Find(name) is { } aggregate)
        {
            if (arguments.Count != 1) throw new CosmosSqlException($"Syntax error: {aggregate.Name} takes exactly one argument.");
            return new AggregateCall(aggregate, arguments[0]);
        }
        var function = SqlFunction.Find(name) ?? throw CosmosSqlException.Unsupported($"function {name.ToUpperInvariant()}");
        if (arguments.Count < function.MinArguments || arguments.Count > function.MaxArguments)
            throw new CosmosSqlException($"Syntax error: {function.Name} takes {ArityText(function)} arguments, not {arguments.Count}.");
        return new FunctionCall(function, arguments);
    }

    private static string ArityText(SqlFunction function) =>
        function.MinArguments == function.MaxArguments ? $"{function.MinArguments}"
        : function.MaxArguments == int.MaxValue ? $"at least {function.MinArguments}"
        : $"{function.MinArguments} to {function.MaxArguments}";

    private static JToken NumberLiteral(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var integer)
            ? new JValue(integer)
            : new JValue(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
}
