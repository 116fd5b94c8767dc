data "aws_caller_identity" "current" {}

locals {
  # The shared definition (infra/monitoring/monitoring.json), filled with the same
  # placeholder values nba_tracker.ops.monitoring_definition uses. The ARN suffixes of
  # the load balancer and target group are unknown until apply, so they go through the
  # template as tokens and are put back in the strings afterwards: alarm names and the
  # structure stay known at plan time.
  tokens = {
    "@@alb@@"          = var.names.alb
    "@@target_group@@" = var.names.target_group
  }
  definition = jsondecode(templatefile(var.definition_path, merge(var.names, {
    alb          = "@@alb@@"
    target_group = "@@target_group@@"
  })))

  rows = [for row in local.definition.dashboard.rows : row if contains(var.services, row.service)]
  dashboard_template = jsonencode({
    widgets = flatten([
      for row in local.rows : concat(
        [{ type = "text", width = 24, height = 1, properties = { markdown = "## ${row.title}" } }],
        row.widgets,
      )
    ])
  })
  dashboard_body = replace(replace(local.dashboard_template, "@@alb@@", local.tokens["@@alb@@"]), "@@target_group@@", local.tokens["@@target_group@@"])

  alarms = {
    for entry in local.definition.alarms : entry.alarm.AlarmName => entry.alarm
    if contains(var.services, entry.service)
  }

  metric_filters = {
    for entry in local.definition.metric_filters : entry.filterName => entry
    if contains(var.services, entry.service)
  }
}

################################################################################
# Alerts topic
################################################################################

resource "aws_sns_topic" "this" {
  name              = var.topic_name
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "topic" {
  statement {
    sid       = "AccountAdministration"
    actions   = ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish"]
    resources = [aws_sns_topic.this.arn]
    principals {
      type        = "AWS"
      identifiers = [data.aws_caller_identity.current.account_id]
    }
  }

  statement {
    sid       = "CloudWatchAlarms"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this.arn]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_sns_topic_policy" "this" {
  arn    = aws_sns_topic.this.arn
  policy = data.aws_iam_policy_document.topic.json
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alarm_emails)

  topic_arn = aws_sns_topic.this.arn
  protocol  = "email"
  endpoint  = each.value
}

################################################################################
# Dashboard
################################################################################

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = local.definition.dashboard.name
  dashboard_body = local.dashboard_body
}

################################################################################
# Log metric filters
################################################################################

resource "aws_cloudwatch_log_metric_filter" "this" {
  for_each = local.metric_filters

  name           = each.value.filterName
  log_group_name = each.value.logGroupName
  pattern        = each.value.filterPattern

  dynamic "metric_transformation" {
    for_each = each.value.metricTransformations
    content {
      name          = metric_transformation.value.metricName
      namespace     = metric_transformation.value.metricNamespace
      value         = metric_transformation.value.metricValue
      default_value = try(tostring(metric_transformation.value.defaultValue), null)
      unit          = try(metric_transformation.value.unit, null)
    }
  }
}

################################################################################
# Alarms (put_metric_alarm arguments, mapped one to one)
################################################################################

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name        = each.value.AlarmName
  alarm_description = try(each.value.AlarmDescription, null)
  namespace         = try(each.value.Namespace, null)
  metric_name       = try(each.value.MetricName, null)
  dimensions = try({
    for d in each.value.Dimensions : d.Name => replace(replace(d.Value, "@@alb@@", local.tokens["@@alb@@"]), "@@target_group@@", local.tokens["@@target_group@@"])
  }, null)
  statistic           = try(each.value.Statistic, null)
  extended_statistic  = try(each.value.ExtendedStatistic, null)
  period              = try(each.value.Period, null)
  evaluation_periods  = each.value.EvaluationPeriods
  datapoints_to_alarm = try(each.value.DatapointsToAlarm, null)
  threshold           = each.value.Threshold
  comparison_operator = each.value.ComparisonOperator
  treat_missing_data  = try(each.value.TreatMissingData, "missing")
  alarm_actions       = [aws_sns_topic.this.arn]
  ok_actions          = [aws_sns_topic.this.arn]

  dynamic "metric_query" {
    for_each = try(each.value.Metrics, [])
    content {
      id          = metric_query.value.Id
      expression  = try(metric_query.value.Expression, null)
      label       = try(metric_query.value.Label, null)
      return_data = try(metric_query.value.ReturnData, null)

      dynamic "metric" {
        for_each = try([metric_query.value.MetricStat], [])
        content {
          namespace   = metric.value.Metric.Namespace
          metric_name = metric.value.Metric.MetricName
          dimensions = try({
            for d in metric.value.Metric.Dimensions : d.Name => replace(replace(d.Value, "@@alb@@", local.tokens["@@alb@@"]), "@@target_group@@", local.tokens["@@target_group@@"])
          }, null)
          period = metric.value.Period
          stat   = metric.value.Stat
        }
      }
    }
  }

  tags = var.tags
}
