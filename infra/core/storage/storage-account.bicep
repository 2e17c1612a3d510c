metadata description = 'Storage for the Functions host and its deployment packages, reachable only through Microsoft Entra ID, and privately when a private endpoint is given.'

param name string
param location string
param tags object

@description('Zone-redundant storage (ZRS) instead of locally redundant (LRS).')
param zoneRedundant bool

@description('Blob container that Flex Consumption deploys the app package into.')
param deploymentContainerName string

@description('Principal granted the data roles the Functions host needs (blobs, queues, tables).')
param dataPrincipalId string

@description('People (or automation) granted blob and queue data access to inspect the account.')
param deployerPrincipalIds array

@allowed(['User', 'ServicePrincipal'])
param deployerPrincipalType string

param logAnalyticsWorkspaceId string

@description('null keeps public access; otherwise { namePrefix, subnetId, dnsZoneIds: { blob, queue, table } } and public access off.')
param privateEndpoint object?

// Storage Blob Data Owner, Storage Queue Data Contributor, Storage Table Data Contributor.
var hostDataRoleIds = [
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
]
// Storage Blob Data Contributor, Storage Queue Data Contributor: read the packages and the dead-letter queue.
var deployerDataRoleIds = [
  'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
]
var deployerGrants = flatten(map(deployerPrincipalIds, principalId => map(deployerDataRoleIds, roleId => { principalId: principalId, roleId: roleId })))
var isPrivate = privateEndpoint != null

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: zoneRedundant ? 'Standard_ZRS' : 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: isPrivate ? 'Disabled' : 'Enabled'
    networkAcls: {
      defaultAction: isPrivate ? 'Deny' : 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: storage
  name: 'default'
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2025-01-01' = {
  parent: storage
  name: 'default'
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-01-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource hostDataAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in hostDataRoleIds: {
    name: guid(storage.id, dataPrincipalId, roleId)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: dataPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource deployerDataAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for grant in deployerGrants: {
    name: guid(storage.id, grant.principalId, grant.roleId)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', grant.roleId)
      principalId: grant.principalId
      principalType: deployerPrincipalType
    }
  }
]

// Storage sends logs per service; the account itself only has metrics. Reads are left out: the Functions host
// polls its blobs and queues, so they would be most of the rows and of the ingestion cost.
var storageLogs = [
  { category: 'StorageWrite', enabled: true }
  { category: 'StorageDelete', enabled: true }
]
resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: blobService
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: storageLogs
    metrics: [{ category: 'Transaction', enabled: true }]
  }
}

resource queueDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: queueService
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: storageLogs
    metrics: [{ category: 'Transaction', enabled: true }]
  }
}

resource tableDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: tableService
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: storageLogs
    metrics: [{ category: 'Transaction', enabled: true }]
  }
}

module privateEndpoints '../network/private-endpoint.bicep' = [
  for service in (isPrivate ? ['blob', 'queue', 'table'] : []): {
    name: 'pe-${service}'
    params: {
      name: '${privateEndpoint!.namePrefix}${service}-${storage.name}'
      location: location
      tags: tags
      serviceId: storage.id
      groupId: service
      subnetId: privateEndpoint!.subnetId
      dnsZoneId: privateEndpoint!.dnsZoneIds[service]
    }
  }
]

output name string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output deploymentContainerUrl string = '${storage.properties.primaryEndpoints.blob}${deploymentContainer.name}'
