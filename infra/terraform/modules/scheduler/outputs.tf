output "function_name" {
  description = "Name of the stop/start function"
  value       = try(aws_lambda_function.this.function_name, null)
}

output "function_arn" {
  description = "ARN of the stop/start function"
  value       = try(aws_lambda_function.this.arn, null)
}

output "rule_names" {
  description = "EventBridge rules by action (stop, start)"
  value       = { for k, v in aws_cloudwatch_event_rule.this : k => v.name }
}

output "state_parameter_name" {
  description = "SSM parameter with the state before the stop"
  value       = try(aws_ssm_parameter.state.name, null)
}

output "dead_letter_queue_arn" {
  description = "Queue receiving invocations that failed after retries"
  value       = try(aws_sqs_queue.dlq.arn, null)
}
