metadata description = 'The Cosmos DB account behind the todo store: the event log, the read model and the change feed leases, reachable only through Microsoft Entra ID.'

param accountName string
param location string
param tags object

@description('serverless bills per request; autoscale provisions database throughput that scales between 10% and 100% of autoscaleMaxThroughput.')
@allowed(['serverless', 'autoscale'])
param capacityMode string

@minValue(1000)
param autoscaleMaxThroughput int

@description('Principal granted the built-in Cosmos DB Data Contributor role on the account (data plane).')
param dataContributorPrincipalId string

// Mirrors TodoStoreLayout in src/TodoFunctions.Cosmos; the infrastructure tests compare the two.
var databaseName = 'todos'
// defaultTtl -1: per-item ttl on (Idempotency-Key records expire by theirs), events never expire.
var eventsContainer = { name: 'events', partitionKeyPath: '/todoId', defaultTtl: -1 }
var readModelContainer = { name: 'todo-view', partitionKeyPath: '/id' }
// A rebuild fills whichever read container is not live; identity-based access cannot create one at run time.
var alternateReadModelContainer = { name: 'todo-view-b', partitionKeyPath: '/id' }
var leasesContainer = { name: 'leases', partitionKeyPath: '/id' }
var containers = [eventsContainer, readModelContainer, alternateReadModelContainer, leasesContainer]

resource account 'Microsoft.DocumentDB/databaseAccounts@2025-04-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    capabilities: capacityMode == 'serverless' ? [{ name: 'EnableServerless' }] : []
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2025-04-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
    options: capacityMode == 'autoscale' ? { autoscaleSettings: { maxThroughput: autoscaleMaxThroughput } } : {}
  }
}

resource container 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2025-04-15' = [
  for container in containers: {
    parent: database
    name: container.name
    properties: {
      resource: {
        id: container.name
        partitionKey: {
          paths: [container.partitionKeyPath]
          kind: 'Hash'
          version: 2
        }
        defaultTtl: container.name == eventsContainer.name ? eventsContainer.defaultTtl : null
      }
    }
  }
]

resource dataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions@2025-04-15' existing = {
  parent: account
  name: '00000000-0000-0000-0000-000000000002'
}

resource dataAccess 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2025-04-15' = {
  parent: account
  name: guid(account.id, dataContributorPrincipalId, dataContributor.id)
  properties: {
    roleDefinitionId: dataContributor.id
    principalId: dataContributorPrincipalId
    scope: account.id
  }
}

output accountName string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
output eventsContainerName string = eventsContainer.name
output readModelContainerName string = readModelContainer.name
output alternateReadModelContainerName string = alternateReadModelContainer.name
output leasesContainerName string = leasesContainer.name
