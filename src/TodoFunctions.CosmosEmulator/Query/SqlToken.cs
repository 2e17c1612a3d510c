namespace TodoFunctions.CosmosEmulator.Query;

internal enum SqlTokenKind { Identifier, Number, String, Parameter, Symbol, End }

/// <summary>One lexical unit of a query; <see cref="Position"/> lets error messages point at the offending text.</summary>
internal sealed record SqlToken(SqlTokenKind Kind, string Text, int Position)
{
    public bool IsKeyword(string keyword) => Kind == SqlTokenKind.Identifier && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);

    public bool IsSymbol(string symbol) => Kind == SqlTokenKind.Symbol && Text == symbol;
}
