metadata description = 'TodoFunctions in Azure: the Functions app on Flex Consumption, its Cosmos DB todo store, host storage and monitoring, all reached by one managed identity without keys.'

targetScope = 'resourceGroup'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; with the location it seeds every resource name and tags every resource.')
param environmentName string

@description('Region of every resource; it must offer the Flex Consumption plan.')
@metadata({ azd: { type: 'location' } })
param location string = resourceGroup().location

@description('Origins allowed to call the API from a browser; the Todo-Backend spec runner needs *.')
param corsAllowedOrigins array = ['*']

@description('serverless bills Cosmos DB per request; autoscale provisions database throughput up to cosmosAutoscaleMaxThroughput.')
@allowed(['serverless', 'autoscale'])
param cosmosCapacityMode string = 'serverless'

@minValue(1000)
param cosmosAutoscaleMaxThroughput int = 1000

@description('Always-ready instances for the HTTP group; they also keep the hosted change feed projector running.')
@minValue(1)
param alwaysReadyInstanceCount int = 1

@description('Upper bound of the Flex Consumption scale-out.')
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory of each Flex Consumption instance.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, location, environmentName))
var tags = { 'azd-env-name': environmentName }

module identity 'core/security/user-assigned-identity.bicep' = {
  name: 'identity'
  params: {
    name: 'id-api-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'core/monitor/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
    publisherPrincipalId: identity.outputs.principalId
  }
}

module storage 'core/storage/storage-account.bicep' = {
  name: 'storage'
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: 'app-package'
    dataPrincipalId: identity.outputs.principalId
  }
}

module todoStore 'app/todo-store.bicep' = {
  name: 'todo-store'
  params: {
    accountName: 'cosmos-${resourceToken}'
    location: location
    tags: tags
    capacityMode: cosmosCapacityMode
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
    dataContributorPrincipalId: identity.outputs.principalId
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  params: {
    name: 'func-api-${resourceToken}'
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
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
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup().name
output API_BASE_URL string = 'https://${api.outputs.defaultHostName}/api'
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output AZURE_COSMOS_ACCOUNT_NAME string = todoStore.outputs.accountName
output AZURE_COSMOS_ENDPOINT string = todoStore.outputs.endpoint
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_USER_ASSIGNED_IDENTITY_NAME string = identity.outputs.name
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output LOG_ANALYTICS_WORKSPACE_NAME string = monitoring.outputs.logAnalyticsName
