output "trail_arn" {
  description = "ARN of the trail, or null when disabled"
  value       = try(aws_cloudtrail.this[0].arn, null)
}

output "trail_log_group_name" {
  description = "Log group the trail also writes to"
  value       = try(aws_cloudwatch_log_group.trail[0].name, null)
}

output "config_recorder_name" {
  description = "Name of the AWS Config recorder, or null when disabled"
  value       = try(aws_config_configuration_recorder.this[0].name, null)
}

output "config_rule_names" {
  description = "Names of the managed Config rules"
  value       = [for rule in aws_config_config_rule.this : rule.name]
}
