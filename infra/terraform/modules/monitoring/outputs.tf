output "sns_topic_arn" {
  description = "ARN of the alerts topic"
  value       = try(aws_sns_topic.this.arn, null)
}

output "dashboard_name" {
  description = "Name of the dashboard"
  value       = try(aws_cloudwatch_dashboard.this.dashboard_name, null)
}

output "dashboard_body" {
  description = "The rendered dashboard body, JSON (what nba_tracker.ops.monitoring_definition.render_dashboard returns)"
  value       = local.dashboard_body
}

output "alarm_names" {
  description = "Names of the alarms"
  value       = keys(aws_cloudwatch_metric_alarm.this)
}

output "metric_filter_names" {
  description = "Names of the log metric filters"
  value       = keys(aws_cloudwatch_log_metric_filter.this)
}
