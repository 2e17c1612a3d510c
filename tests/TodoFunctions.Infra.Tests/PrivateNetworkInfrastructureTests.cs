namespace TodoFunctions.Infra.Tests;

[Collection(nameof(CompiledInfrastructure))]
public sealed class PrivateNetworkInfrastructureTests(CompiledInfrastructure infra)
{
    private const string PrivateEndpoint = "Microsoft.Network/privateEndpoints";

    [Fact]
    public void The_default_deployment_is_reachable_publicly_and_creates_no_network()
    {
        Assert.Equal(["Enabled"], PublicNetworkAccess(infra.Default).Distinct());
        Assert.Empty(infra.Default.OfType("Microsoft.Network/virtualNetworks"));
        Assert.Empty(infra.Default.OfType(PrivateEndpoint));
        Assert.Null(infra.Default.FunctionApp["properties"]!["virtualNetworkSubnetId"]);
    }

    [Fact]
    public void The_private_network_option_closes_public_access_to_storage_and_Cosmos_DB()
    {
        Assert.Equal(["Disabled"], PublicNetworkAccess(infra.PrivateNetwork).Distinct());
        Assert.Equal("Deny", (string)infra.PrivateNetwork.Single("Microsoft.Storage/storageAccounts")["properties"]!["networkAcls"]!["defaultAction"]!);
    }

    [Fact]
    public void The_private_network_option_gives_blob_queue_table_and_Cosmos_DB_a_private_endpoint_with_its_DNS_zone()
    {
        var storageId = DeploymentSnapshot.IdOf(infra.PrivateNetwork.Single("Microsoft.Storage/storageAccounts"));
        var cosmosId = DeploymentSnapshot.IdOf(infra.PrivateNetwork.Single("Microsoft.DocumentDB/databaseAccounts"));
        var dnsZones = infra.PrivateNetwork.OfType("Microsoft.Network/privateDnsZones").Select(zone => (string)zone["name"]!).ToList();

        var endpoints = infra.PrivateNetwork.OfType(PrivateEndpoint)
            .Select(endpoint => endpoint["properties"]!)
            .Select(properties => (
                Service: (string)properties["privateLinkServiceConnections"]![0]!["properties"]!["privateLinkServiceId"]!,
                Group: (string)properties["privateLinkServiceConnections"]![0]!["properties"]!["groupIds"]![0]!,
                Subnet: (string)properties["subnet"]!["id"]!))
            .ToList();

        Assert.Equal(
            new[] { (storageId, "blob"), (storageId, "queue"), (storageId, "table"), (cosmosId, "Sql") }.Order(),
            endpoints.Select(endpoint => (endpoint.Service, endpoint.Group)).Order());
        Assert.All(endpoints, endpoint => Assert.EndsWith("/subnets/private-endpoints", endpoint.Subnet));
        Assert.Equal(4, infra.PrivateNetwork.OfType("Microsoft.Network/privateEndpoints/privateDnsZoneGroups").Count());
        Assert.Contains("privatelink.documents.azure.com", dnsZones);
        // The storage zones' suffix comes from environment(), which the snapshot leaves unevaluated.
        Assert.All(["blob", "queue", "table"], service => Assert.Contains(dnsZones, zone => zone.StartsWith($"[format('privatelink.{{0}}.{{1}}', '{service}', environment().suffixes.storage)]")));
        Assert.Equal(dnsZones.Count, infra.PrivateNetwork.OfType("Microsoft.Network/privateDnsZones/virtualNetworkLinks").Count());
    }

    [Fact]
    public void The_private_network_option_integrates_the_app_with_the_subnet_delegated_to_Flex_Consumption()
    {
        var subnet = infra.PrivateNetwork.Single("Microsoft.Network/virtualNetworks")["properties"]!["subnets"]!.AsArray()
            .Single(subnet => (string)subnet!["name"]! == "app")!;

        Assert.Equal("Microsoft.App/environments", (string)subnet["properties"]!["delegations"]![0]!["properties"]!["serviceName"]!);
        Assert.EndsWith("/subnets/app", (string)infra.PrivateNetwork.FunctionApp["properties"]!["virtualNetworkSubnetId"]!);
    }

    [Theory]
    [MemberData(nameof(CompiledInfrastructure.ConfigurationNames), MemberType = typeof(CompiledInfrastructure))]
    public void Public_access_is_closed_only_where_private_endpoints_and_VNet_integration_replace_it(string configuration)
    {
        var snapshot = infra.Snapshots[configuration];
        var closed = PublicNetworkAccess(snapshot).Select(access => access == "Disabled").ToList();
        var privatelyReachable = snapshot.OfType(PrivateEndpoint).Count() == 4
            && snapshot.FunctionApp["properties"]!["virtualNetworkSubnetId"] is not null;

        Assert.All(closed, isClosed => Assert.Equal(privatelyReachable, isClosed));
    }

    private static IEnumerable<string> PublicNetworkAccess(DeploymentSnapshot snapshot) =>
        new[] { "Microsoft.Storage/storageAccounts", "Microsoft.DocumentDB/databaseAccounts" }
            .Select(type => (string)snapshot.Single(type)["properties"]!["publicNetworkAccess"]!);
}
