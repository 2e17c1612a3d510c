metadata description = 'TodoFunctions in Azure: the Functions app on Flex Consumption, its Cosmos DB todo store, host storage, monitoring and alerts, all reached by one managed identity without keys.'

targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; it names the resource group, seeds every resource name and tags every resource.')
param environmentName string

@minLength(1)
@description('Region of every resource; it must offer the Flex Consumption plan (and availability zones when zoneRedundant).')
@metadata({ azd: { type: 'location' } })
param location string

@description('Object id of the deploying user (azd sets AZURE_PRINCIPAL_ID); granted data access so the keyless account can be inspected.')
param principalId string = ''

@description('Grant principalId the Cosmos DB and storage data roles; turn off for CI service principals that only deploy.')
param grantPrincipalDataAccess bool = true

@description('Kind of principalId: User for a person running azd, ServicePrincipal for an automation identity.')
@allowed(['User', 'ServicePrincipal'])
param principalType string = 'User'

@description('Origins allowed to call the API from a browser; the Todo-Backend spec runner needs *.')
param corsAllowedOrigins array = ['*']

@description('serverless bills Cosmos DB per request; autoscale provisions database throughput up to cosmosAutoscaleMaxThroughput.')
@allowed(['serverless', 'autoscale'])
param cosmosCapacityMode string = 'serverless'

@minValue(1000)
param cosmosAutoscaleMaxThroughput int = 1000

@description('Spread the Flex plan, Cosmos DB and storage (ZRS) over availability zones; costs more (docs/deployment.md), set before the first deployment.')
param zoneRedundant bool = false

@description('Private networking: a VNet the app integrates with, private endpoints for storage and Cosmos DB, and their public access disabled.')
param vnetEnabled bool = false

@description('Always-ready instances for the HTTP group; they also keep the hosted change feed projector running.')
@minValue(1)
param alwaysReadyInstanceCount int = 1

@description('Upper bound of the Flex Consumption scale-out (the platform accepts 40 to 1000).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory of each Flex Consumption instance.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Address the alert action group emails; empty creates the group without a receiver.')
param alertEmailAddress string = ''

@description('Projection lag (ms) whose 95th percentile over 15 minutes raises an alert.')
@minValue(1)
param projectionLagAlertThresholdMs int = 60000

@description('Share of HTTP requests answered 5xx (percent) over 15 minutes that raises an alert.')
@minValue(1)
@maxValue(100)
param http5xxAlertThresholdPercent int = 5

@description('Seconds between availability test runs of /api/health from each of its 5 locations; every run is billed.')
@allowed([300, 600, 900])
param availabilityTestFrequencySeconds int = 900

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var deployerPrincipalIds = grantPrincipalDataAccess && !empty(principalId) ? [principalId] : []

resource rg 'Microsoft.Resources/resourceGroups@2024-11-01' = {
  name: '${abbrs.resourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'core/security/user-assigned-identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'core/monitor/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.logAnalyticsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.applicationInsights}${resourceToken}'
    location: location
    tags: tags
    publisherPrincipalId: identity.outputs.principalId
  }
}

module network 'core/network/private-network.bicep' = if (vnetEnabled) {
  name: 'network'
  scope: rg
  params: {
    name: '${abbrs.virtualNetworks}${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'core/storage/storage-account.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageAccounts}${resourceToken}'
    location: location
    tags: tags
    zoneRedundant: zoneRedundant
    deploymentContainerName: 'app-package'
    dataPrincipalId: identity.outputs.principalId
    deployerPrincipalIds: deployerPrincipalIds
    deployerPrincipalType: principalType
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    privateEndpoint: vnetEnabled
      ? {
          namePrefix: abbrs.privateEndpoints
          subnetId: network!.outputs.privateEndpointSubnetId
          dnsZoneIds: network!.outputs.storageDnsZoneIds
        }
      : null
  }
}

module todoStore 'app/todo-store.bicep' = {
  name: 'todo-store'
  scope: rg
  params: {
    accountName: '${abbrs.cosmosDbAccounts}${resourceToken}'
    location: location
    tags: tags
    capacityMode: cosmosCapacityMode
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
    zoneRedundant: zoneRedundant
    dataContributorPrincipalIds: concat([identity.outputs.principalId], deployerPrincipalIds)
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    privateEndpoint: vnetEnabled
      ? {
          namePrefix: abbrs.privateEndpoints
          subnetId: network!.outputs.privateEndpointSubnetId
          dnsZoneId: network!.outputs.cosmosDnsZoneId
        }
      : null
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: '${abbrs.functionApps}api-${resourceToken}'
    planName: '${abbrs.appServicePlans}${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    cosmosEndpoint: todoStore.outputs.endpoint
    cosmosDatabaseName: todoStore.outputs.databaseName
    eventsContainerName: todoStore.outputs.eventsContainerName
    readModelContainerName: todoStore.outputs.readModelContainerName
    alternateReadModelContainerName: todoStore.outputs.alternateReadModelContainerName
    leasesContainerName: todoStore.outputs.leasesContainerName
    corsAllowedOrigins: corsAllowedOrigins
    alwaysReadyInstanceCount: alwaysReadyInstanceCount
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    zoneRedundant: zoneRedundant
    virtualNetworkSubnetId: vnetEnabled ? network!.outputs.appSubnetId : ''
  }
}

module alerts 'core/monitor/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    resourceToken: resourceToken
    abbreviations: abbrs
    location: location
    tags: tags
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    applicationInsightsId: monitoring.outputs.applicationInsightsId
    healthUrl: 'https://${api.outputs.defaultHostName}/api/health'
    availabilityTestFrequencySeconds: availabilityTestFrequencySeconds
    alertEmailAddress: alertEmailAddress
    projectionLagThresholdMs: projectionLagAlertThresholdMs
    http5xxThresholdPercent: http5xxAlertThresholdPercent
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output API_BASE_URL string = 'https://${api.outputs.defaultHostName}/api'
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output AZURE_COSMOS_ACCOUNT_NAME string = todoStore.outputs.accountName
output AZURE_COSMOS_ENDPOINT string = todoStore.outputs.endpoint
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_USER_ASSIGNED_IDENTITY_NAME string = identity.outputs.name
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output LOG_ANALYTICS_WORKSPACE_NAME string = monitoring.outputs.logAnalyticsName
