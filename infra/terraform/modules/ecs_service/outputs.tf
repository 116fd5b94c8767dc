output "cluster_name" {
  description = "Name of the ECS cluster"
  value       = try(aws_ecs_cluster.this.name, null)
}

output "cluster_arn" {
  description = "ARN of the ECS cluster"
  value       = try(aws_ecs_cluster.this.arn, null)
}

output "service_name" {
  description = "Name of the ECS service"
  value       = try(aws_ecs_service.this.name, null)
}

output "service_arn" {
  description = "ARN of the ECS service"
  value       = try(aws_ecs_service.this.id, null)
}

output "task_definition_arn" {
  description = "ARN of the current task definition revision"
  value       = try(aws_ecs_task_definition.this.arn, null)
}

output "log_group_name" {
  description = "Log group of the tasks"
  value       = try(aws_cloudwatch_log_group.this.name, null)
}

output "log_group_arn" {
  description = "ARN of the log group of the tasks"
  value       = try(aws_cloudwatch_log_group.this.arn, null)
}

output "alb_dns_name" {
  description = "DNS name of the load balancer"
  value       = try(aws_lb.this.dns_name, null)
}

output "alb_arn_suffix" {
  description = "ARN suffix of the load balancer (the LoadBalancer metric dimension)"
  value       = try(aws_lb.this.arn_suffix, null)
}

output "target_group_arn_suffix" {
  description = "ARN suffix of the target group (the TargetGroup metric dimension)"
  value       = try(aws_lb_target_group.this.arn_suffix, null)
}

output "security_group_id" {
  description = "Security group of the tasks (allowed into the database)"
  value       = try(aws_security_group.service.id, null)
}

output "alb_security_group_id" {
  description = "Security group of the load balancer"
  value       = try(aws_security_group.alb.id, null)
}

output "task_role_arn" {
  description = "Role the tracker runs as"
  value       = try(aws_iam_role.tasks.arn, null)
}

output "task_exec_role_arn" {
  description = "Role ECS pulls the image and injects secrets with"
  value       = try(aws_iam_role.task_exec.arn, null)
}

output "web_acl_arn" {
  description = "Web ACL protecting the load balancer"
  value       = try(aws_wafv2_web_acl.this.arn, null)
}

output "alert_topic_arns" {
  description = "ARNs of the alert topics by name (what `nba-tracker alerts add sns` takes)"
  value       = { for k, t in aws_sns_topic.alerts : k => t.arn }
}

output "vapid_secret_arn" {
  description = "ARN of the VAPID key's secret (put its value with aws secretsmanager put-secret-value), or null"
  value       = try(aws_secretsmanager_secret.vapid[0].arn, null)
}
