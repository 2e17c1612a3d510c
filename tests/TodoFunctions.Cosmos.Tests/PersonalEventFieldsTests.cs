using System.Reflection;
using System.Text.Json.Serialization;
using TodoFunctions.Domain;

namespace TodoFunctions.Cosmos.Tests;

/// <summary>
/// A purge masks only the fields <see cref="PersonalEventFields"/> declares, so every field of every event that could
/// hold something a user wrote (anything but a flag or a number) is declared personal or listed here as not personal on
/// purpose: a new event type or a renamed field fails this test until someone decides.
/// </summary>
public sealed class PersonalEventFieldsTests
{
    /// <summary>Fields that are not personal, and why.</summary>
    private static readonly HashSet<(string Type, string Field)> NotPersonal =
    [
        // A due date alone names nobody and says nothing a user wrote; the statistics and the list may keep it.
        (nameof(TodoCreated), "dueDate"),
        (nameof(TodoDueDateChanged), "dueDate"),
    ];

    [Fact]
    public void Every_free_form_field_of_every_event_type_is_declared_personal_or_not_personal_on_purpose()
    {
        var unclassified = FreeFormFields().Where(field => !PersonalEventFields.IsPersonal(field.Type, field.Field) && !NotPersonal.Contains(field)).ToList();

        Assert.Empty(unclassified);
        Assert.Contains((nameof(TodoTitleUpdated), "title"), FreeFormFields());
    }

    [Fact]
    public void No_field_is_both_personal_and_listed_as_not_personal()
    {
        Assert.DoesNotContain(NotPersonal, field => PersonalEventFields.IsPersonal(field.Type, field.Field));
        Assert.All(NotPersonal, field => Assert.Contains(field, FreeFormFields()));
    }

    /// <summary>Each event type's stored name and payload field names, as the codec writes them, but for flags and numbers.</summary>
    private static IEnumerable<(string Type, string Field)> FreeFormFields() =>
        from type in typeof(TodoEvent).Assembly.GetTypes()
        where type.IsSubclassOf(typeof(TodoEvent)) && !type.IsAbstract
        from property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        let value = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType
        where value != typeof(bool) && !(value.IsPrimitive || value == typeof(decimal))
        select (type.Name, property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? TodoJson.Options.PropertyNamingPolicy!.ConvertName(property.Name));
}
