namespace TodoFunctions.Cosmos.Tests;

public sealed class ProcessorInstanceNameTests
{
    [Fact]
    public void Two_instances_of_a_scaled_out_app_on_hosts_with_the_same_name_get_different_names()
    {
        var first = ProcessorInstanceName.For("localhost", "0a1b2c3d4e5f");
        var second = ProcessorInstanceName.For("localhost", "f5e4d3c2b1a0");

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void A_restart_on_the_same_instance_keeps_the_name_even_if_the_host_name_changes()
    {
        Assert.Equal(ProcessorInstanceName.For("host-a", "0a1b2c3d4e5f"), ProcessorInstanceName.For("host-b", "0a1b2c3d4e5f"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Without_a_platform_instance_id_the_host_name_names_the_instance(string? platformInstanceId)
    {
        Assert.Equal("dev-box", ProcessorInstanceName.For("dev-box", platformInstanceId));
    }

    [Fact]
    public void The_options_default_to_the_name_of_this_process()
    {
        Assert.Equal(ProcessorInstanceName.ForThisProcess(), new TodoStoreOptions().InstanceName);
    }
}
