metadata description = 'The private network of the vnetEnabled option: a subnet the Flex app integrates with, a subnet for private endpoints, and the private DNS zones that resolve storage and Cosmos DB to them.'

param name string
param location string
param tags object

// Queues and tables as well as blobs: the Functions host and the dead-letter queue use all three services.
var storageDnsZoneNames = [for service in ['blob', 'queue', 'table']: 'privatelink.${service}.${environment().suffixes.storage}']
var cosmosDnsZoneName = 'privatelink.documents.azure.com'

resource vnet 'Microsoft.Network/virtualNetworks@2024-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: ['10.0.0.0/16']
    }
    subnets: [
      {
        name: 'app'
        properties: {
          addressPrefix: '10.0.1.0/24'
          // Flex Consumption integrates through a subnet delegated to Microsoft.App/environments.
          delegations: [
            {
              name: 'flex'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
        }
      }
      {
        name: 'private-endpoints'
        properties: {
          addressPrefix: '10.0.2.0/24'
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
    ]
  }
}

resource dnsZones 'Microsoft.Network/privateDnsZones@2024-06-01' = [
  for zoneName in concat(storageDnsZoneNames, [cosmosDnsZoneName]): {
    name: zoneName
    location: 'global'
    tags: tags
  }
]

resource dnsZoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for (zoneName, index) in concat(storageDnsZoneNames, [cosmosDnsZoneName]): {
    parent: dnsZones[index]
    name: name
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: {
        id: vnet.id
      }
    }
  }
]

// Ids built from names (not read back from the deployed network), so they are known before deployment.
output appSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, 'app')
output privateEndpointSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, 'private-endpoints')
output storageDnsZoneIds object = {
  blob: dnsZones[0].id
  queue: dnsZones[1].id
  table: dnsZones[2].id
}
output cosmosDnsZoneId string = dnsZones[3].id
