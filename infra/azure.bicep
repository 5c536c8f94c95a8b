// fedtrust-bot on Azure, with no secret: a user-assigned managed identity is the bot's identity
// (Azure Bot, MicrosoftAppType=UserAssignedMSI) and reads Microsoft Graph (GRAPH_MANAGED_IDENTITY).
// App Service on Linux (Node 20 LTS) with /readyz as its health check; the store is SQLite on the
// app's persistent /home share (one instance), or, with usePostgres, Azure Database for PostgreSQL
// Flexible Server for several replicas. Deployed by `atk provision` (m365agents.yml) or
// `az deployment group create -g <group> -f infra/azure.bicep -p infra/azure.parameters.json`.

@minLength(4)
@maxLength(20)
@description('Base of every resource name (letters and digits).')
param resourceBaseName string

@maxLength(42)
param botDisplayName string = 'fedtrust'

param location string = resourceGroup().location

@description('App Service plan SKU: B1 runs one instance; S1 or P0v3 to scale out (with usePostgres).')
param appServiceSku string = 'B1'

@description('Instances of the web app. More than one needs usePostgres (SQLite is one process).')
@minValue(1)
param instanceCount int = 1

@description('Hourly by default: how often watched domains are checked (SWEEP_CRON).')
param sweepCron string = '0 * * * *'

@description('Other Entra tenants allowed to use the bot (ALLOWED_TENANT_IDS, comma-separated).')
param allowedTenantIds string = ''

@description('Create Azure Database for PostgreSQL Flexible Server and point DATABASE_URL at it.')
param usePostgres bool = false

@description('Administrator login of the PostgreSQL server (only with usePostgres).')
param postgresAdminLogin string = 'fedtrust'

@secure()
@description('Administrator password of the PostgreSQL server (only with usePostgres; the one secret).')
param postgresAdminPassword string = ''

@description('Bearer token of the collector endpoint; empty turns /api/collector/snapshots off.')
@secure()
param collectorToken string = ''

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${resourceBaseName}-identity'
  location: location
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${resourceBaseName}-plan'
  location: location
  kind: 'linux'
  sku: {
    name: appServiceSku
    capacity: instanceCount
  }
  properties: {
    reserved: true // Linux
  }
}

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2023-12-01-preview' = if (usePostgres) {
  name: '${resourceBaseName}-pg'
  location: location
  sku: {
    name: 'Standard_B1ms'
    tier: 'Burstable'
  }
  properties: {
    version: '16'
    administratorLogin: postgresAdminLogin
    administratorLoginPassword: postgresAdminPassword
    storage: {
      storageSizeGB: 32
    }
    backup: {
      backupRetentionDays: 7
    }
  }
}

resource postgresDatabase 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2023-12-01-preview' = if (usePostgres) {
  parent: postgres
  name: 'fedtrust'
}

// Let Azure services (the web app) reach the server; tighten with VNet integration if you need to.
resource postgresAzureAccess 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2023-12-01-preview' = if (usePostgres) {
  parent: postgres
  name: 'AllowAzureServices'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

var databaseUrl = usePostgres
  ? 'postgres://${postgresAdminLogin}:${uriComponent(postgresAdminPassword)}@${postgres!.properties.fullyQualifiedDomainName}:5432/fedtrust?sslmode=require&schema=fedtrust'
  : 'sqlite:/home/data/fedtrust.db?journal=delete' // /home is a network share: no WAL there

resource web 'Microsoft.Web/sites@2023-12-01' = {
  name: '${resourceBaseName}-app'
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      appCommandLine: 'node dist/index.js'
      alwaysOn: true
      healthCheckPath: '/readyz'
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      appSettings: [
        { name: 'NODE_ENV', value: 'production' }
        // Oryx installs and builds on deploy, on Linux (better-sqlite3 is a native module); the
        // compiler is a dev dependency, which NODE_ENV=production would leave out of that install.
        { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'true' }
        { name: 'NPM_CONFIG_INCLUDE', value: 'dev' }
        { name: 'WEBSITES_ENABLE_APP_SERVICE_STORAGE', value: 'true' }
        { name: 'PORT', value: '8080' }
        { name: 'WEBSITES_PORT', value: '8080' }
        { name: 'MicrosoftAppType', value: 'UserAssignedMSI' }
        { name: 'MicrosoftAppId', value: identity.properties.clientId }
        { name: 'MicrosoftAppTenantId', value: identity.properties.tenantId }
        { name: 'GRAPH_MANAGED_IDENTITY', value: 'true' }
        { name: 'GRAPH_CLIENT_ID', value: identity.properties.clientId }
        { name: 'DATABASE_URL', value: databaseUrl }
        { name: 'SWEEP_CRON', value: sweepCron }
        { name: 'ALLOWED_TENANT_IDS', value: allowedTenantIds }
        { name: 'COLLECTOR_TOKEN', value: collectorToken }
        { name: 'LOG_LEVEL', value: 'info' }
      ]
    }
  }
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: resourceBaseName
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: 'F0'
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${web.properties.defaultHostName}/api/messages'
    msaAppId: identity.properties.clientId
    msaAppMSIResourceId: identity.id
    msaAppTenantId: identity.properties.tenantId
    msaAppType: 'UserAssignedMSI'
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
  }
}

// Read by m365agents.yml into env/.env.<environment> (npm run package builds the Teams app from them).
output BOT_ID string = identity.properties.clientId
output BOT_TENANT_ID string = identity.properties.tenantId
output BOT_DOMAIN string = web.properties.defaultHostName
output BOT_IDENTITY_PRINCIPAL_ID string = identity.properties.principalId
output WEB_APP_RESOURCE_ID string = web.id
