metadata description = 'The Cosmos DB account behind the todo store: the event log, the read model and the change feed leases, reachable only through Microsoft Entra ID, with point-in-time restore.'

param accountName string
param location string
param tags object

@description('serverless bills per request; autoscale provisions database throughput that scales between 10% and 100% of autoscaleMaxThroughput.')
@allowed(['serverless', 'autoscale'])
param capacityMode string

@minValue(1000)
param autoscaleMaxThroughput int

@description('Zone-redundant replicas in the account\'s region; only settable when the account is created.')
param zoneRedundant bool

@description('Principals granted the built-in Cosmos DB Data Contributor role on the account (data plane): the app, and the deploying user.')
param dataContributorPrincipalIds array

param logAnalyticsWorkspaceId string

@description('null keeps public access; otherwise { namePrefix, subnetId, dnsZoneId } and public access off.')
param privateEndpoint object?

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
        isZoneRedundant: zoneRedundant
      }
    ]
    // The event log is the system of record: continuous backup restores the account to any second of the last
    // 7 days (the tier without a backup storage charge).
    backupPolicy: {
      type: 'Continuous'
      continuousModeProperties: {
        tier: 'Continuous7Days'
      }
    }
    capabilities: capacityMode == 'serverless' ? [{ name: 'EnableServerless' }] : []
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: privateEndpoint == null ? 'Enabled' : 'Disabled'
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

// Cosmos DB refuses concurrent control-plane operations on one account (412, "exclusive lock"), so the role
// assignments wait for the containers and run one at a time.
@batchSize(1)
resource dataAccess 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2025-04-15' = [
  for principalId in dataContributorPrincipalIds: {
    parent: account
    name: guid(account.id, principalId, dataContributor.id)
    properties: {
      roleDefinitionId: dataContributor.id
      principalId: principalId
      scope: account.id
    }
    dependsOn: [container]
  }
]

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: account
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    // Resource-specific tables (CDBControlPlaneRequests, …) instead of the shared AzureDiagnostics table.
    logAnalyticsDestinationType: 'Dedicated'
    // DataPlaneRequests is left out: the idle projector alone makes about 3.5 requests a second, a row each, which
    // would cost more in ingestion than the account itself (docs/deployment.md, "Cost").
    logs: [
      { category: 'ControlPlaneRequests', enabled: true }
      { category: 'PartitionKeyRUConsumption', enabled: true }
      { category: 'QueryRuntimeStatistics', enabled: true }
    ]
    metrics: [{ category: 'Requests', enabled: true }]
  }
}

module privateEndpointForSql '../core/network/private-endpoint.bicep' = if (privateEndpoint != null) {
  name: 'pe-sql'
  params: {
    name: '${privateEndpoint!.namePrefix}sql-${account.name}'
    location: location
    tags: tags
    serviceId: account.id
    groupId: 'Sql'
    subnetId: privateEndpoint!.subnetId
    dnsZoneId: privateEndpoint!.dnsZoneId
  }
  // A control-plane operation on the account as well: after the others, never beside them (412, "exclusive lock").
  dependsOn: [container, dataAccess]
}

output accountName string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
output eventsContainerName string = eventsContainer.name
output readModelContainerName string = readModelContainer.name
output alternateReadModelContainerName string = alternateReadModelContainer.name
output leasesContainerName string = leasesContainer.name
