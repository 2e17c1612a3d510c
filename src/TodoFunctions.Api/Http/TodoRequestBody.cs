using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using TodoFunctions.Domain;

namespace TodoFunctions.Api.Http;

/// <summary>
/// Reads a POST, PATCH or PUT body into a command, refusing whatever the API does not accept before anything reaches the
/// application, so a refused request stores nothing.
/// </summary>
internal static class TodoRequestBody
{
    public const int MaxBytes = 64 * 1024;

    /// <summary>A due date on the wire: an RFC 3339 full-date, the same as System.Text.Json writes a <see cref="DateOnly"/>.</summary>
    private const string DueDateFormat = "yyyy-MM-dd";

    public static async Task<CreateTodo> ReadCreateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var fields = await ReadFieldsAsync(request, titleRequired: true, completedRequired: false, cancellationToken);
        return new CreateTodo(
            fields.Title.Value,
            fields.Completed.HasValue && fields.Completed.Value,
            fields.Order.HasValue ? fields.Order.Value : null,
            fields.DueDate.HasValue ? fields.DueDate.Value : null);
    }

    public static Task<UpdateTodo> ReadUpdateAsync(HttpRequest request, CancellationToken cancellationToken) =>
        ReadFieldsAsync(request, titleRequired: false, completedRequired: false, cancellationToken);

    /// <summary>A PUT body is a whole todo: title and completed are required, and a missing order or due date means none.</summary>
    public static async Task<UpdateTodo> ReadReplaceAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var fields = await ReadFieldsAsync(request, titleRequired: true, completedRequired: true, cancellationToken);
        return fields with
        {
            Order = fields.Order.HasValue ? fields.Order : (int?)null,
            DueDate = fields.DueDate.HasValue ? fields.DueDate : (DateOnly?)null,
        };
    }

    private static async Task<UpdateTodo> ReadFieldsAsync(HttpRequest request, bool titleRequired, bool completedRequired, CancellationToken cancellationToken)
    {
        using var body = await ReadObjectAsync(request, cancellationToken);
        try
        {
            return ReadFields(body.RootElement, titleRequired, completedRequired);
        }
        catch (InvalidOperationException untranscodable)
        {
            // JSON text may hold bytes that are not UTF-8, or an escaped lone surrogate ("\uD800"): neither is text.
            throw new ProblemException(Problems.MalformedBody($"The body holds a string that is not valid Unicode text: {untranscodable.Message}"));
        }
    }

    private static UpdateTodo ReadFields(JsonElement body, bool titleRequired, bool completedRequired)
    {
        var fields = new UpdateTodo();
        var errors = new Dictionary<string, string[]>();
        var named = new HashSet<string>();
        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value;
            // Parsers disagree on which of two equal keys wins; refusing both keeps a client's bug from hiding.
            if (!named.Add(property.Name))
            {
                errors[property.Name] = ["This property appears more than once; send each property once."];
                continue;
            }
            switch (property.Name)
            {
                case "title" when value.ValueKind == JsonValueKind.String:
                    var title = value.GetString()!;
                    if (TitleProblem(title) is { } problem) errors["title"] = [problem];
                    else fields = fields with { Title = title };
                    break;
                case "title":
                    errors["title"] = ["The title must be a string."];
                    break;
                case "completed" when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    fields = fields with { Completed = value.GetBoolean() };
                    break;
                case "completed":
                    errors["completed"] = ["completed must be true or false."];
                    break;
                case "order" when value.ValueKind == JsonValueKind.Null:
                    fields = fields with { Order = (int?)null };
                    break;
                case "order" when value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var order):
                    fields = fields with { Order = order };
                    break;
                case "order":
                    errors["order"] = ["order must be a 32-bit integer or null."];
                    break;
                case "dueDate" when value.ValueKind == JsonValueKind.Null:
                    fields = fields with { DueDate = (DateOnly?)null };
                    break;
                case "dueDate" when value.ValueKind == JsonValueKind.String
                    && DateOnly.TryParseExact(value.GetString(), DueDateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dueDate):
                    fields = fields with { DueDate = dueDate };
                    break;
                case "dueDate":
                    errors["dueDate"] = ["dueDate must be a calendar date as \"YYYY-MM-DD\" (e.g. \"2027-01-15\") or null."];
                    break;
                case "id" or "url":
                    break; // read-only fields a client may send back as it received them
                default:
                    errors[property.Name] = ["Unknown property: a todo has title, completed, order and dueDate."];
                    break;
            }
        }
        if (titleRequired && !fields.Title.HasValue) errors.TryAdd("title", ["The title is required."]);
        if (completedRequired && !fields.Completed.HasValue) errors.TryAdd("completed", ["completed is required: a PUT replaces the whole todo."]);
        return errors.Count == 0 ? fields : throw new ProblemException(Problems.Validation(errors));
    }

    /// <summary>The domain owns the title rule; asking what creating a todo with this title decides keeps one copy of it.</summary>
    private static string? TitleProblem(string title) => Todo.Decide(null, new CreateTodo(title)).Detail;

    private static async Task<JsonDocument> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!IsDeclaredAsJson(request.ContentType)) throw new ProblemException(Problems.UnsupportedMediaType(request.ContentType!));
        var bytes = await ReadBoundedAsync(request, cancellationToken);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException notJson)
        {
            throw new ProblemException(Problems.MalformedBody($"The body is not JSON: {notJson.Message}"));
        }
        var kind = document.RootElement.ValueKind;
        if (kind == JsonValueKind.Object) return document;
        document.Dispose();
        throw new ProblemException(Problems.MalformedBody($"The body must be a JSON object, not {kind}."));
    }

    /// <summary>
    /// A missing Content-Type is taken as JSON, and so is curl's default for <c>-d</c> (form-urlencoded), so that
    /// <c>curl -d '{"title":"x"}'</c> just works; a body declared as anything else is refused.
    /// </summary>
    private static bool IsDeclaredAsJson(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType)) return true;
        if (!MediaTypeHeaderValue.TryParse(contentType, out var declared)) return false;
        return declared.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || declared.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase)
            || declared.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<ReadOnlyMemory<byte>> ReadBoundedAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBytes) throw new ProblemException(Problems.BodyTooLarge(MaxBytes));
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBytes) throw new ProblemException(Problems.BodyTooLarge(MaxBytes));
            buffer.Write(chunk, 0, read);
        }
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
