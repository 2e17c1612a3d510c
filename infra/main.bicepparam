using 'main.bicep'

// azd sets these from its environment; with az deployment sub create, set them yourself or accept the fallbacks.
param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'todo')
param location = readEnvironmentVariable('AZURE_LOCATION', 'swedencentral')
param principalId = readEnvironmentVariable('AZURE_PRINCIPAL_ID', '')
param alertEmailAddress = readEnvironmentVariable('ALERT_EMAIL_ADDRESS', '')
param principalType = readEnvironmentVariable('AZURE_PRINCIPAL_TYPE', 'User')
// A CI service principal that only deploys sets GRANT_PRINCIPAL_DATA_ACCESS=false.
param grantPrincipalDataAccess = readEnvironmentVariable('GRANT_PRINCIPAL_DATA_ACCESS', 'true') == 'true'
