using 'main.bicep'

// azd sets AZURE_ENV_NAME; with az deployment group create, set it yourself or accept 'todo'.
param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'todo')
