using Newtonsoft.Json.Linq;

namespace TodoFunctions.Benchmarks.Tests;

/// <summary>The pure parts of the emulator's scale benchmark: its settings, its reading of /proc and its data.</summary>
public sealed class ScaleBenchmarkTests
{
    [Fact]
    public void The_sizes_default_to_0_10_and_100_MB()
    {
        Assert.Equal([0, 10, 100], ScaleBenchmarks.ParseSizes(null));
    }

    [Fact]
    public void The_sizes_are_sorted_without_repeats_and_always_include_the_empty_reference()
    {
        Assert.Equal([0, 10, 100, 500], ScaleBenchmarks.ParseSizes("500, 100,10,100"));
    }

    [Fact]
    public void A_size_that_is_not_a_number_of_megabytes_is_refused_by_name()
    {
        var refused = Assert.Throws<FormatException>(() => ScaleBenchmarks.ParseSizes("10,1e2"));

        Assert.Contains("'1e2'", refused.Message);
    }

    [Fact]
    public void Resident_memory_is_the_VmRSS_line_in_bytes()
    {
        string[] status = ["Name:\tdotnet", "VmHWM:\t  204800 kB", "VmRSS:\t  123456 kB", "RssAnon:\t   99000 kB"];

        Assert.Equal(123456L * 1024, LinuxProcess.ParseVmRss(status));
    }

    [Fact]
    public void A_status_without_VmRSS_is_refused_rather_than_read_as_zero()
    {
        Assert.Throws<FormatException>(() => LinuxProcess.ParseVmRss(["Name:\tdotnet", "State:\tZ (zombie)"]));
    }

    [Fact]
    public void Documents_are_about_500_bytes_of_JSON_with_strings_numbers_a_nested_object_and_an_array()
    {
        var documents = Enumerable.Range(0, 1000).Select(index => ScaleDocuments.Final(index)).ToList();

        Assert.All(documents, document => Assert.InRange(ScaleDocuments.JsonSize(document), 400, 600));
        Assert.All(documents, document => Assert.InRange(document.Count, 10, 15));
        Assert.All(documents, document => Assert.IsType<JObject>(document["owner"]));
        Assert.All(documents, document => Assert.IsType<JArray>(document["tags"]));
    }

    [Fact]
    public void The_document_count_for_a_size_is_the_fewest_whose_JSON_reaches_it()
    {
        var (count, jsonBytes) = ScaleDocuments.CountFor(1_000_000);

        Assert.Equal(Enumerable.Range(0, count).Sum(index => ScaleDocuments.JsonSize(ScaleDocuments.Final(index))), jsonBytes);
        Assert.True(jsonBytes >= 1_000_000);
        Assert.True(jsonBytes - ScaleDocuments.JsonSize(ScaleDocuments.Final(count - 1)) < 1_000_000);
    }

    [Fact]
    public void An_empty_data_directory_still_holds_the_one_document_the_restarts_read()
    {
        Assert.Equal(1, ScaleDocuments.CountFor(0).Count);
    }
}
