metadata description = 'What an operator must hear about: an availability test on the health route (Flex Consumption has no App Service health check) and log alerts on the app\'s own metrics, all mailed through one action group.'

param resourceToken string
param abbreviations object
param location string
param tags object
param logAnalyticsWorkspaceId string
param applicationInsightsId string

@description('The anonymous health route the availability test calls.')
param healthUrl string

@description('Seconds between runs of the availability test from each location; each run is billed.')
param availabilityTestFrequencySeconds int

@description('Empty creates the action group without a receiver.')
param alertEmailAddress string

param projectionLagThresholdMs int
param http5xxThresholdPercent int

@description('Requests in the window below which the 5xx rate is not judged.')
param http5xxMinimumRequests int = 20

// Rows of the workspace-based Application Insights tables: AppMetrics carries the app's meter "TodoFunctions"
// (one row per export interval and instance, with Min, Max, Sum and ItemCount), AppRequests the HTTP requests.
// Percentiles are not exported, so the lag alert takes the 95th percentile of the per-interval maxima: an upper bound.
var logAlerts = [
  {
    name: 'dead-letters'
    description: 'Messages are waiting in the dead-letter queue.'
    severity: 2
    query: 'AppMetrics | where Name == "todo.dead_letters" | project TimeGenerated, Value = Max'
    threshold: 0
  }
  {
    name: 'parked-todos'
    description: 'The projector parked at least one todo whose events it cannot apply.'
    severity: 2
    query: 'AppMetrics | where Name == "todo.projection.parked" | project TimeGenerated, Value = Max'
    threshold: 0
  }
  {
    name: 'stuck-leases'
    description: 'A change feed lease has a backlog and a checkpoint that does not move.'
    severity: 1
    query: 'AppMetrics | where Name == "todo.projection.stuck_leases" | project TimeGenerated, Value = Max'
    threshold: 0
  }
  {
    name: 'projection-lag'
    description: 'The 95th percentile of the projection lag is over its bound.'
    severity: 2
    query: 'AppMetrics | where Name == "todo.projection.lag" | summarize Value = percentile(Max, 95)'
    threshold: projectionLagThresholdMs
  }
  {
    name: 'http-5xx'
    description: 'Too large a share of HTTP requests is answered with a 5xx status.'
    severity: 1
    // The availability test's own calls are left out: /api/health answers 503 by design when the projection is unwell,
    // which its own alert reports. Too few requests make a rate of one failure, so a minimum count is required.
    query: 'AppRequests | where tostring(parse_url(Url).Path) != "/api/health" | summarize Total = count(), Failed = countif(toint(ResultCode) >= 500) | where Total >= ${http5xxMinimumRequests} | project Value = 100.0 * Failed / Total'
    threshold: http5xxThresholdPercent
  }
]

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${abbreviations.actionGroups}${resourceToken}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'todo-ops'
    enabled: true
    emailReceivers: empty(alertEmailAddress)
      ? []
      : [
          {
            name: 'operator'
            emailAddress: alertEmailAddress
            useCommonAlertSchema: true
          }
        ]
  }
}

resource alertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for alert in logAlerts: {
    name: '${abbreviations.alertRules}${alert.name}-${resourceToken}'
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: alert.name
      description: alert.description
      severity: alert.severity
      enabled: true
      scopes: [logAnalyticsWorkspaceId]
      evaluationFrequency: 'PT5M'
      windowSize: 'PT15M'
      criteria: {
        allOf: [
          {
            query: alert.query
            timeAggregation: 'Maximum'
            metricMeasureColumn: 'Value'
            operator: 'GreaterThan'
            threshold: alert.threshold
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      autoMitigate: true
      actions: {
        actionGroups: [actionGroup.id]
      }
    }
  }
]

// The test needs the hidden-link tag to show under its Application Insights resource.
resource healthTest 'Microsoft.Insights/webtests@2022-06-15' = {
  name: '${abbreviations.availabilityTests}health-${resourceToken}'
  location: location
  tags: union(tags, { 'hidden-link:${applicationInsightsId}': 'Resource' })
  kind: 'standard'
  properties: {
    SyntheticMonitorId: '${abbreviations.availabilityTests}health-${resourceToken}'
    Name: 'GET /api/health'
    Kind: 'standard'
    Enabled: true
    Frequency: availabilityTestFrequencySeconds
    Timeout: 30
    RetryEnabled: true
    Locations: [
      { Id: 'emea-se-sto-edge' }
      { Id: 'emea-nl-ams-azr' }
      { Id: 'emea-gb-db3-azr' }
      { Id: 'us-va-ash-azr' }
      { Id: 'apac-sg-sin-azr' }
    ]
    Request: {
      RequestUrl: healthUrl
      HttpVerb: 'GET'
      ParseDependentRequests: false
    }
    ValidationRules: {
      ExpectedHttpStatusCode: 200
      SSLCheck: true
      SSLCertRemainingLifetimeCheck: 7
    }
  }
}

resource healthTestAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${abbreviations.alertRules}health-${resourceToken}'
  location: 'global'
  tags: tags
  properties: {
    description: 'GET /api/health failed from at least two test locations: the app is down or reports itself unhealthy.'
    severity: 1
    enabled: true
    scopes: [healthTest.id, applicationInsightsId]
    evaluationFrequency: 'PT1M'
    // At least one run of the test from each location falls in the window (metric alerts allow PT5M and PT15M here).
    windowSize: availabilityTestFrequencySeconds <= 300 ? 'PT5M' : 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria'
      webTestId: healthTest.id
      componentId: applicationInsightsId
      failedLocationCount: 2
    }
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}
