metadata description = 'The Todo API: an Azure Functions app (.NET isolated worker) on the Flex Consumption plan, reaching every dependency with its managed identity.'

param name string
param planName string
param location string
param tags object

@description('Resource id and client id of the user-assigned identity the app runs as.')
param identityId string
param identityClientId string

param storageAccountName string
param deploymentContainerUrl string
param applicationInsightsConnectionString string

param cosmosEndpoint string
param cosmosDatabaseName string
param eventsContainerName string
param readModelContainerName string
param alternateReadModelContainerName string
param leasesContainerName string

param corsAllowedOrigins array

@description('Instances kept warm for the HTTP group; the change feed projector runs inside them, so at least one.')
@minValue(1)
param alwaysReadyInstanceCount int

@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@allowed([512, 2048, 4096])
param instanceMemoryMB int

@description('Spread the plan\'s instances over availability zones; the platform then keeps at least two always ready.')
param zoneRedundant bool

@description('Subnet (delegated to Microsoft.App/environments) the app reaches private endpoints through; empty for none.')
param virtualNetworkSubnetId string

param logAnalyticsWorkspaceId string

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
    zoneRedundant: zoneRedundant
  }
}

resource functionApp 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    virtualNetworkSubnetId: empty(virtualNetworkSubnetId) ? null : virtualNetworkSubnetId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      cors: {
        allowedOrigins: corsAllowedOrigins
      }
      // Flex Consumption takes the worker runtime and extension version from functionAppConfig, not from settings.
      appSettings: [
        { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: applicationInsightsConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
        // The app reads accountEndpoint and clientId; credential completes the Functions identity-connection form,
        // so the official Cosmos DB trigger could share this 'CosmosDb' connection.
        { name: 'CosmosDb__accountEndpoint', value: cosmosEndpoint }
        { name: 'CosmosDb__credential', value: 'managedidentity' }
        { name: 'CosmosDb__clientId', value: identityClientId }
        { name: 'TodoStore__DatabaseName', value: cosmosDatabaseName }
        { name: 'TodoStore__EventsContainer', value: eventsContainerName }
        { name: 'TodoStore__ReadModelContainer', value: readModelContainerName }
        { name: 'TodoStore__AlternateReadModelContainer', value: alternateReadModelContainerName }
        { name: 'TodoStore__LeasesContainer', value: leasesContainerName }
        // Commands write their read document themselves; the poll bounds only the statistics and the fallback path,
        // and at 1 s the idle feed reads cost less than the lease upkeep (docs/benchmarks.md, "Idle cost").
        { name: 'TodoStore__ChangeFeedPollInterval', value: '00:00:01' }
        // The lease scans would then cost most of the idle RU: a lease another instance released is taken up within 5 s
        // and a dead owner's within 20 s (expiry + acquire), against 1 s and 11 s by default (docs/benchmarks.md, "Idle cost").
        { name: 'TodoStore__LeaseAcquireInterval', value: '00:00:05' }
        { name: 'TodoStore__LeaseRenewInterval', value: '00:00:05' }
        { name: 'TodoStore__LeaseExpirationInterval', value: '00:00:15' }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        alwaysReady: [
          {
            name: 'http'
            instanceCount: alwaysReadyInstanceCount
          }
        ]
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// azd deploys to Flex Consumption with Microsoft Entra ID, so the publishing endpoints need no basic credentials.
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: functionApp
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [{ category: 'FunctionAppLogs', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

output name string = functionApp.name
output defaultHostName string = functionApp.properties.defaultHostName
