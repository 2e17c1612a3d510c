using System.Globalization;
using System.Text;

namespace TodoFunctions.CosmosEmulator.Query;

/// <summary>Splits query text into tokens; keywords stay identifiers so the parser can match them case-insensitively.</summary>
internal static class SqlTokenizer
{
    private static readonly string[] Symbols =
        ["!=", "<>", "<=", ">=", "??", "||", "=", "<", ">", "+", "-", "*", "/", "%", "(", ")", "[", "]", "{", "}", ",", ".", ":", "?", "&", "|", "^", "~"];

    public static List<SqlToken> Tokenize(string text)
    {
        var tokens = new List<SqlToken>();
        var position = 0;
        while (true)
        {
            position = SkipWhitespaceAndComments(text, position);
            if (position >= text.Length)
            {
                tokens.Add(new SqlToken(SqlTokenKind.End, "", position));
                return tokens;
            }
            var token = ReadToken(text, position);
            tokens.Add(token.Token);
            position = token.Next;
        }
    }

    private static int SkipWhitespaceAndComments(string text, int position)
    {
        while (position < text.Length)
        {
            if (char.IsWhiteSpace(text[position])) position++;
            else if (string.CompareOrdinal(text, position, "--", 0, 2) == 0)
                while (position < text.Length && text[position] != '\n') position++;
            else break;
        }
        return position;
    }

    private static (SqlToken Token, int Next) ReadToken(string text, int start)
    {
        var c = text[start];
        if (char.IsLetter(c) || c == '_') return ReadWhile(text, start, start, SqlTokenKind.Identifier, IsIdentifierPart);
        if (c == '@') return ReadWhile(text, start, start + 1, SqlTokenKind.Parameter, IsIdentifierPart);
        if (char.IsAsciiDigit(c) || (c == '.' && start + 1 < text.Length && char.IsAsciiDigit(text[start + 1]))) return ReadNumber(text, start);
        if (c is '\'' or '"') return ReadString(text, start);
        foreach (var symbol in Symbols)
            if (string.CompareOrdinal(text, start, symbol, 0, symbol.Length) == 0)
                return (new SqlToken(SqlTokenKind.Symbol, symbol, start), start + symbol.Length);
        throw new CosmosSqlException($"Syntax error: unexpected character '{c}' at position {start}.");
    }

    private static bool IsIdentifierPart(char c) => char.IsLetterOrDigit(c) || c == '_';

    private static (SqlToken, int) ReadWhile(string text, int start, int from, SqlTokenKind kind, Func<char, bool> accept)
    {
        var end = from;
        while (end < text.Length && accept(text[end])) end++;
        if (end == from) throw new CosmosSqlException($"Syntax error: incomplete token at position {start}.");
        return (new SqlToken(kind, text[start..end], start), end);
    }

    private static (SqlToken, int) ReadNumber(string text, int start)
    {
        var end = start;
        while (end < text.Length && (char.IsAsciiDigit(text[end]) || text[end] == '.')) end++;
        if (end < text.Length && text[end] is 'e' or 'E')
        {
            end++;
            if (end < text.Length && text[end] is '+' or '-') end++;
            while (end < text.Length && char.IsAsciiDigit(text[end])) end++;
        }
        var raw = text[start..end];
        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            throw new CosmosSqlException($"Syntax error: invalid number '{raw}' at position {start}.");
        return (new SqlToken(SqlTokenKind.Number, raw, start), end);
    }

    private static (SqlToken, int) ReadString(string text, int start)
    {
        var quote = text[start];
        var value = new StringBuilder();
        var position = start + 1;
        while (position < text.Length && text[position] != quote)
        {
            if (text[position] != '\\')
            {
                value.Append(text[position++]);
                continue;
            }
            if (position + 1 >= text.Length) break;
            var escaped = text[position + 1];
            if (escaped == 'u')
            {
                if (position + 6 > text.Length || !int.TryParse(text.AsSpan(position + 2, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
                    throw new CosmosSqlException($"Syntax error: invalid \\u escape at position {position}.");
                value.Append((char)code);
                position += 6;
                continue;
            }
            value.Append(escaped switch
            {
                'n' => '\n', 'r' => '\r', 't' => '\t', 'b' => '\b', 'f' => '\f',
                '\\' or '\'' or '"' or '/' => escaped,
                _ => throw new CosmosSqlException($"Syntax error: invalid escape '\\{escaped}' at position {position}."),
            });
            position += 2;
        }
        if (position >= text.Length) throw new CosmosSqlException($"Syntax error: unterminated string starting at position {start}.");
        return (new SqlToken(SqlTokenKind.String, value.ToString(), start), position + 1);
    }
}
