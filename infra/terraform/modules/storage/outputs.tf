output "bucket_id" {
  description = "Name of the logs bucket"
  value       = try(aws_s3_bucket.this.id, null)
}

output "bucket_arn" {
  description = "ARN of the logs bucket"
  value       = try(aws_s3_bucket.this.arn, null)
}

output "prefixes" {
  description = "Key prefix of each producer (exports, cloudtrail, config, vpc-flow-logs, alb, s3-access)"
  value       = var.prefixes
}

output "lifecycle_rule_ids" {
  description = "IDs of the lifecycle rules applied from the definition file"
  value       = [for rule in local.lifecycle.Rules : rule.ID]
}
