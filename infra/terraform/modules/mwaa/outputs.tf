output "bucket_id" {
  description = "Name of the source bucket (DAGs under dags/)"
  value       = try(aws_s3_bucket.this.id, null)
}

output "bucket_arn" {
  description = "ARN of the source bucket"
  value       = try(aws_s3_bucket.this.arn, null)
}

output "environment_name" {
  description = "Name of the MWAA environment, or null while it is switched off"
  value       = try(aws_mwaa_environment.this[0].name, null)
}

output "environment_arn" {
  description = "ARN of the MWAA environment, or null while it is switched off"
  value       = try(aws_mwaa_environment.this[0].arn, null)
}

output "webserver_url" {
  description = "Private URL of the Airflow UI, or null while it is switched off"
  value       = try(aws_mwaa_environment.this[0].webserver_url, null)
}

output "log_group_arns" {
  description = "Log groups MWAA writes to, by kind (task, scheduler, dag_processing, webserver, worker)"
  value = try({
    task           = aws_mwaa_environment.this[0].logging_configuration[0].task_logs[0].cloud_watch_log_group_arn
    scheduler      = aws_mwaa_environment.this[0].logging_configuration[0].scheduler_logs[0].cloud_watch_log_group_arn
    dag_processing = aws_mwaa_environment.this[0].logging_configuration[0].dag_processing_logs[0].cloud_watch_log_group_arn
    webserver      = aws_mwaa_environment.this[0].logging_configuration[0].webserver_logs[0].cloud_watch_log_group_arn
    worker         = aws_mwaa_environment.this[0].logging_configuration[0].worker_logs[0].cloud_watch_log_group_arn
  }, {})
}

output "security_group_id" {
  description = "Security group of the environment (allowed into the database)"
  value       = try(aws_security_group.this.id, null)
}

output "execution_role_arn" {
  description = "Execution role of the environment"
  value       = try(aws_iam_role.this.arn, null)
}
