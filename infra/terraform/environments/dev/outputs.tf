output "ecr_repository_url" {
  description = "Where to push the tracker image"
  value       = module.ecr.repository_url
}

output "alb_dns_name" {
  description = "Public DNS name of the load balancer"
  value       = module.ecs_service.alb_dns_name
}

output "alb_arn_suffix" {
  description = "LoadBalancer dimension of the ALB metrics"
  value       = module.ecs_service.alb_arn_suffix
}

output "alb_target_group_arn_suffix" {
  description = "TargetGroup dimension of the ALB metrics"
  value       = module.ecs_service.target_group_arn_suffix
}

output "cluster_name" {
  description = "ECS cluster"
  value       = module.ecs_service.cluster_name
}

output "service_name" {
  description = "ECS service"
  value       = module.ecs_service.service_name
}

output "ecs_log_group" {
  description = "Log group of the tracker's tasks"
  value       = module.ecs_service.log_group_name
}

output "private_subnet_ids" {
  description = "Private subnets (one-off tasks such as the migration run here)"
  value       = module.network.private_subnet_ids
}

output "ecs_security_group_id" {
  description = "Security group of the tracker's tasks"
  value       = module.ecs_service.security_group_id
}

output "db_cluster_id" {
  description = "Aurora cluster identifier"
  value       = module.aurora.cluster_id
}

output "db_endpoint" {
  description = "Aurora writer endpoint"
  value       = module.aurora.endpoint
}

output "db_secret_arn" {
  description = "Secrets Manager secret with the master credentials (ARN only)"
  value       = module.aurora.master_user_secret_arn
}

output "db_security_group_id" {
  description = "Security group of the Aurora cluster"
  value       = module.aurora.security_group_id
}

output "mwaa_dag_bucket" {
  description = "Bucket MWAA reads DAGs (dags/) and requirements.txt from"
  value       = module.mwaa.bucket_id
}

output "mwaa_environment_name" {
  description = "MWAA environment, or null while enable_mwaa = false"
  value       = module.mwaa.environment_name
}

output "mwaa_log_group_arns" {
  description = "Log groups MWAA writes to (airflow-{env name}-{Task,Scheduler,…})"
  value       = module.mwaa.log_group_arns
}

output "sns_topic_arn" {
  description = "Alerts topic"
  value       = module.monitoring.sns_topic_arn
}

output "dashboard_name" {
  description = "CloudWatch dashboard"
  value       = module.monitoring.dashboard_name
}

output "logs_bucket" {
  description = "Bucket of logs, exports, trail and Config deliveries"
  value       = module.storage.bucket_id
}

output "kms_key_arn" {
  description = "The environment's KMS key"
  value       = module.kms.key_arn
}

output "scheduler_function_name" {
  description = "Stop/start Lambda"
  value       = module.scheduler.function_name
}
