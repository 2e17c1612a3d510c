using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using TodoFunctions.CosmosEmulator.Query;

namespace TodoFunctions.CosmosEmulator.Tests.Query;

public class CosmosSqlQueryTests
{
    private static readonly JObject[] Leases =
    [
        Doc("{id:'proc.info'}"),
        Doc("{id:'proc..0', owner:'host-a', continuationToken:'12'}"),
        Doc("{id:'other..0'}"),
    ];

    private static readonly JObject[] People =
    [
        Doc("{id:'1', name:'Ada', age:36, city:'London', tags:['math','poet'], address:{city:'London', zip:'N1'}}"),
        Doc("{id:'2', name:'Grace', age:85, city:'New York', tags:['navy'], address:{city:'NYC'}}"),
        Doc("{id:'3', name:'alan', age:41.0, tags:[]}"),
        Doc("{id:'4', name:'Linus', age:'unknown', city:null}"),
    ];

    private static JObject Doc(string json) => JObject.Parse(json);

    private static string Run(string query, IEnumerable<JObject> documents, params (string Name, object? Value)[] parameters)
    {
        var values = parameters.ToDictionary(p => p.Name, p => p.Value is null ? JValue.CreateNull() : JToken.FromObject(p.Value));
        var results = CosmosSqlQuery.Parse(query).Execute(documents, values);
        return new JArray(results).ToString(Formatting.None).Replace('"', '\'');
    }

    private static string Ids(string query, params (string Name, object? Value)[] parameters) =>
        string.Join(",", JArray.Parse(Run(query, People, parameters)).Select(item => (string?)item["id"]));

    private static CosmosSqlException Refused(string query) => Assert.Throws<CosmosSqlException>(() => CosmosSqlQuery.Parse(query));

    [Fact]
    public void The_change_feed_processor_lease_query_returns_the_documents_whose_id_starts_with_the_prefix()
    {
        var result = Run("SELECT * FROM c WHERE STARTSWITH(c.id, @PartitionKeyPrefix)", Leases, ("@PartitionKeyPrefix", "proc."));

        Assert.Equal("[{'id':'proc.info'},{'id':'proc..0','owner':'host-a','continuationToken':'12'}]", result);
    }

    [Fact]
    public void Select_star_returns_every_document_whole() =>
        Assert.Equal(3, JArray.Parse(Run("SELECT * FROM c", Leases)).Count);

    [Theory]
    [InlineData("SELECT * FROM c WHERE c.name = 'Grace'", "2")]
    [InlineData("SELECT * FROM c WHERE c.name = @name", "2")]
    [InlineData("select * from People p where p.age = 41", "3")]
    [InlineData("SELECT * FROM root r WHERE r.address.city = 'London'", "1")]
    [InlineData("SELECT * FROM c WHERE c['address']['zip'] = 'N1'", "1")]
    [InlineData("SELECT * FROM c WHERE c.city = null", "4")]
    [InlineData("SELECT * FROM c WHERE c.tags = ['navy']", "2")]
    [InlineData("SELECT * FROM c WHERE c.address = {city: 'NYC'}", "2")]
    public void Equality_matches_values_of_the_same_type_and_deep_structures(string query, string expectedIds) =>
        Assert.Equal(expectedIds, Ids(query, ("@name", "Grace")));

    [Theory]
    [InlineData("SELECT * FROM c WHERE c.age > 40", "2,3")]
    [InlineData("SELECT * FROM c WHERE c.age >= 41", "2,3")]
    [InlineData("SELECT * FROM c WHERE c.age < 41", "1")]
    [InlineData("SELECT * FROM c WHERE c.age <= 41", "1,3")]
    [InlineData("SELECT * FROM c WHERE c.age != 36", "2,3")]
    [InlineData("SELECT * FROM c WHERE c.age <> 36", "2,3")]
    [InlineData("SELECT * FROM c WHERE c.name > 'B'", "2,3,4")]
    [InlineData("SELECT * FROM c WHERE c.city != 'London'", "2")]
    [InlineData("SELECT * FROM c WHERE c.tags != ['none']", "")]
    public void Comparisons_between_different_types_or_with_undefined_leave_the_document_out(string query, string expectedIds) =>
        Assert.Equal(expectedIds, Ids(query));

    [Theory]
    [InlineData("SELECT * FROM c WHERE NOT (c.age > 40)", "1")]
    [InlineData("SELECT * FROM c WHERE c.age > 40 AND c.city = 'New York'", "2")]
    [InlineData("SELECT * FROM c WHERE c.zzz = 1 OR c.name = 'Ada'", "1")]
    [InlineData("SELECT * FROM c WHERE NOT (c.zzz = 1 AND c.name = 'Ada')", "2,3,4")]
    [InlineData("SELECT * FROM c WHERE NOT (c.zzz = 1 AND c.name = 'Grace') AND c.id IN ('1', '2')", "1")]
    [InlineData("SELECT * FROM c WHERE (c.id = '1' OR c.id = '2') AND NOT c.id = '1'", "2")]
    [InlineData("SELECT * FROM c WHERE c.id = '1' OR c.id = '2' AND c.id = '3'", "1")]
    public void Logic_is_three_valued_with_not_binding_tighter_than_and_and_or(string query, string expectedIds) =>
        Assert.Equal(expectedIds, Ids(query));

    [Theory]
    [InlineData("SELECT * FROM c WHERE c.id IN ('2', '4', 'x')", "2,4")]
    [InlineData("SELECT * FROM c WHERE c.id NOT IN ('2', '4')", "1,3")]
    [InlineData("SELECT * FROM c WHERE c.age IN (36, 41)", "1,3")]
    [InlineData("SELECT * FROM c WHERE c.age BETWEEN 36 AND 41", "1,3")]
    [InlineData("SELECT * FROM c WHERE c.age NOT BETWEEN 36 AND 41", "2")]
    [InlineData("SELECT * FROM c WHERE c.age * 2 + 1 = 73", "1")]
    [InlineData("SELECT * FROM c WHERE c.age % 2 = 1 AND -c.age < -50", "2")]
    [InlineData("SELECT * FROM c WHERE c.name || '!' = 'Ada!'", "1")]
    public void In_between_and_arithmetic_filter_like_cosmos_db(string query, string expectedIds) =>
        Assert.Equal(expectedIds, Ids(query));

    [Theory]
    [InlineData("SELECT * FROM c WHERE IS_DEFINED(c.city)", "1,2,4")]
    [InlineData("SELECT * FROM c WHERE NOT IS_DEFINED(c.city)", "3")]
    [InlineData("SELECT * FROM c WHERE IS_NULL(c.city)", "4")]
    [InlineData("SELECT * FROM c WHERE IS_NUMBER(c.age)", "1,2,3")]
    [InlineData("SELECT * FROM c WHERE IS_STRING(c.age)", "4")]
    [InlineData("SELECT * FROM c WHERE IS_BOOL(c.age) OR IS_ARRAY(c.address) OR IS_OBJECT(c.tags)", "")]
    [InlineData("SELECT * FROM c WHERE ENDSWITH(c.name, 'us')", "4")]
    [InlineData("SELECT * FROM c WHERE CONTAINS(c.name, 'A')", "1")]
    [InlineData("SELECT * FROM c WHERE CONTAINS(c.name, 'A', true)", "1,2,3")]
    [InlineData("SELECT * FROM c WHERE StartsWith(c.name, 'a', true)", "1,3")]
    [InlineData("SELECT * FROM c WHERE LOWER(c.name) = 'grace' OR UPPER(c.name) = 'ALAN'", "2,3")]
    [InlineData("SELECT * FROM c WHERE LENGTH(c.name) = 5", "2,4")]
    [InlineData("SELECT * FROM c WHERE ARRAY_CONTAINS(c.tags, 'poet')", "1")]
    [InlineData("SELECT * FROM c WHERE ARRAY_CONTAINS(@cities, c.city)", "1,2")]
    [InlineData("SELECT * FROM c WHERE ARRAY_CONTAINS([c.address], {city: 'London'})", "")]
    [InlineData("SELECT * FROM c WHERE ARRAY_CONTAINS([c.address], {city: 'London'}, true)", "1")]
    [InlineData("SELECT * FROM c WHERE ARRAY_LENGTH(c.tags) = 0", "3")]
    public void Built_in_functions_test_types_strings_and_arrays(string query, string expectedIds) =>
        Assert.Equal(expectedIds, Ids(query, ("@cities", new[] { "London", "New York" })));

    [Fact]
    public void A_projection_names_items_after_their_last_property_or_alias_and_omits_undefined_values()
    {
        var result = Run("SELECT c.id, c.address.city, c['name'] AS who, c.age + 1 FROM c WHERE c.id IN ('1', '3')", People);

        Assert.Equal("[{'id':'1','city':'London','who':'Ada','$1':37},{'id':'3','who':'alan','$1':42}]", result);
    }

    [Fact]
    public void Selecting_the_alias_wraps_the_document_under_its_name() =>
        Assert.Equal("[{'c':{'id':'proc.info'}}]", Run("SELECT c FROM c WHERE c.id = 'proc.info'", Leases));

    [Fact]
    public void Select_value_returns_bare_values_and_skips_undefined_ones() =>
        Assert.Equal("['London','NYC']", Run("SELECT VALUE c.address.city FROM c", People));

    [Fact]
    public void Select_value_builds_objects_and_arrays() =>
        Assert.Equal("[{'n':'Ada','t':['math','poet',36]}]", Run("SELECT VALUE {n: c.name, t: [c.tags[0], c.tags[1], c.missing, c.age]} FROM c WHERE c.id = '1'", People));

    [Fact]
    public void Select_distinct_value_removes_duplicate_results() =>
        Assert.Equal("['a','b']", Run("SELECT DISTINCT VALUE c.k FROM c", [Doc("{k:'a'}"), Doc("{k:'b'}"), Doc("{k:'a'}"), Doc("{}")]));

    [Fact]
    public void Order_by_sorts_by_cosmos_type_order_then_by_value()
    {
        JObject[] mixed =
        [
            Doc("{id:'s', v:'b'}"), Doc("{id:'n2', v:10}"), Doc("{id:'u'}"), Doc("{id:'t', v:true}"), Doc("{id:'a', v:[1]}"),
            Doc("{id:'n1', v:-1.5}"), Doc("{id:'z', v:null}"), Doc("{id:'f', v:false}"), Doc("{id:'s0', v:'B'}"), Doc("{id:'o', v:{x:1}}"),
        ];

        Assert.Equal("['u','z','f','t','n1','n2','s0','s','a','o']", Run("SELECT VALUE c.id FROM c ORDER BY c.v", mixed));
        Assert.Equal("['o','a','s','s0','n2','n1','t','f','z','u']", Run("SELECT VALUE c.id FROM c ORDER BY c.v DESC", mixed));
    }

    [Fact]
    public void Order_by_several_keys_breaks_ties_with_the_next_key_in_its_own_direction()
    {
        JObject[] rows = [Doc("{id:'1', g:'x', n:1}"), Doc("{id:'2', g:'y', n:2}"), Doc("{id:'3', g:'x', n:3}"), Doc("{id:'4', g:'y', n:1}")];

        Assert.Equal("['3','1','2','4']", Run("SELECT VALUE c.id FROM c ORDER BY c.g ASC, c.n DESC", rows));
    }

    [Theory]
    [InlineData("SELECT TOP 2 * FROM c ORDER BY c.name", "1,2")]
    [InlineData("SELECT TOP @n * FROM c ORDER BY c.name DESC", "3,4")]
    [InlineData("SELECT * FROM c ORDER BY c.id OFFSET 1 LIMIT 2", "2,3")]
    [InlineData("SELECT * FROM c ORDER BY c.id OFFSET @skip LIMIT @n", "2,3")]
    [InlineData("SELECT * FROM c ORDER BY c.id OFFSET 10 LIMIT 2", "")]
    [InlineData("SELECT TOP 0 * FROM c", "")]
    public void Top_and_offset_limit_cut_the_sorted_results(string query, string expectedIds) =>
        Assert.Equal(expectedIds, Ids(query, ("@n", 2), ("@skip", 1)));

    [Theory]
    [InlineData("SELECT VALUE COUNT(1) FROM c", "[4]")]
    [InlineData("SELECT COUNT(1) AS n FROM c WHERE c.age > 40", "[{'n':2}]")]
    [InlineData("SELECT COUNT(c.city) FROM c", "[{'$1':3}]")]
    [InlineData("SELECT VALUE SUM(c.age) FROM c WHERE IS_NUMBER(c.age)", "[162]")]
    [InlineData("SELECT VALUE SUM(c.age) FROM c", "[]")]
    [InlineData("SELECT VALUE AVG(c.age) FROM c WHERE c.id IN ('1', '3')", "[38.5]")]
    [InlineData("SELECT MIN(c.age) AS lo, MAX(c.age) AS hi FROM c", "[{'lo':36,'hi':'unknown'}]")]
    [InlineData("SELECT VALUE MAX(c.name) FROM c", "['alan']")]
    [InlineData("SELECT VALUE COUNT(1) FROM c WHERE c.id = 'none'", "[0]")]
    [InlineData("SELECT VALUE SUM(c.age) FROM c WHERE c.id = 'none'", "[0]")]
    [InlineData("SELECT VALUE MIN(c.age) FROM c WHERE c.id = 'none'", "[]")]
    [InlineData("SELECT VALUE COUNT(1) * 10 FROM c", "[40]")]
    public void Aggregates_fold_all_matching_documents_into_one_result(string query, string expected) =>
        Assert.Equal(expected, Run(query, People));

    [Theory]
    [InlineData("SELECT * FROM c WHERE c.s = 'it\\'s'", "it's")]
    [InlineData("SELECT * FROM c WHERE c.s = \"say \\\"hi\\\"\"", "say \"hi\"")]
    [InlineData("SELECT * FROM c WHERE c.s = 'caf\\u00e9' -- a comment", "café")]
    public void String_literals_accept_both_quotes_and_escapes(string query, string stored)
    {
        var document = new JObject { ["s"] = stored };

        Assert.Single(CosmosSqlQuery.Parse(query).Execute([document], new Dictionary<string, JToken>()));
    }

    [Theory]
    [InlineData("SELECT * FROM c JOIN t IN c.tags", "JOIN")]
    [InlineData("SELECT c.city, COUNT(1) FROM c GROUP BY c.city", "GROUP BY")]
    [InlineData("SELECT * FROM c WHERE EXISTS (SELECT VALUE t FROM t IN c.tags)", "EXISTS")]
    [InlineData("SELECT * FROM c WHERE c.id IN (SELECT VALUE 1)", "subquery")]
    [InlineData("SELECT (SELECT VALUE 1) FROM c", "subquery")]
    [InlineData("SELECT * FROM c WHERE udf.isAdult(c)", "user-defined function")]
    [InlineData("SELECT * FROM c WHERE SOUNDEX(c.name) = 'x'", "function SOUNDEX")]
    [InlineData("SELECT * FROM c WHERE c.name LIKE 'A%'", "LIKE")]
    [InlineData("SELECT * FROM t IN c.tags", "FROM … IN")]
    [InlineData("SELECT * FROM c.tags", "FROM with a property path")]
    [InlineData("SELECT c.id, COUNT(1) FROM c", "GROUP BY")]
    [InlineData("SELECT * FROM c WHERE c.flags & 1 = 1", "bitwise operator &")]
    [InlineData("SELECT * FROM c WHERE COUNT(1) > 1", "aggregate outside the SELECT clause")]
    public void Constructs_outside_the_subset_are_refused_by_name(string query, string construct) =>
        Assert.Contains($"Unsupported construct: {construct}", Refused(query).Message);

    [Theory]
    [InlineData("SELECT FROM c")]
    [InlineData("SELECT * FROM c WHERE")]
    [InlineData("SELECT * FROM c WHERE c.id = 'open")]
    [InlineData("SELECT * FROM c ORDER c.id")]
    [InlineData("SELECT * FROM c WHERE STARTSWITH(c.id)")]
    [InlineData("SELECT * FROM c WHERE x.id = 1")]
    [InlineData("SELECT * FROM c AS d extra")]
    [InlineData("SELECT TOP 'x' * FROM c")]
    public void Malformed_queries_are_refused_with_a_syntax_error(string query) =>
        Assert.NotEmpty(Refused(query).Message);

    [Fact]
    public void A_parameter_without_a_value_is_refused_when_the_query_runs()
    {
        var query = CosmosSqlQuery.Parse("SELECT * FROM c WHERE c.id = @id");

        var error = Assert.Throws<CosmosSqlException>(() => query.Execute(People, new Dictionary<string, JToken>()));
        Assert.Contains("@id", error.Message);
    }

    [Fact]
    public void A_negative_top_from_a_parameter_is_refused_when_the_query_runs()
    {
        var query = CosmosSqlQuery.Parse("SELECT TOP @n * FROM c");

        Assert.Throws<CosmosSqlException>(() => query.Execute(People, new Dictionary<string, JToken> { ["@n"] = -1 }));
    }
}
