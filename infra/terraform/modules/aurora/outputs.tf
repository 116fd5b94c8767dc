output "cluster_id" {
  description = "Cluster identifier"
  value       = try(aws_rds_cluster.this.cluster_identifier, null)
}

output "cluster_arn" {
  description = "ARN of the cluster"
  value       = try(aws_rds_cluster.this.arn, null)
}

output "endpoint" {
  description = "Writer endpoint"
  value       = try(aws_rds_cluster.this.endpoint, null)
}

output "reader_endpoint" {
  description = "Reader endpoint"
  value       = try(aws_rds_cluster.this.reader_endpoint, null)
}

output "port" {
  description = "PostgreSQL port"
  value       = try(aws_rds_cluster.this.port, null)
}

output "database_name" {
  description = "Database name"
  value       = try(aws_rds_cluster.this.database_name, null)
}

output "master_user_secret_arn" {
  description = "ARN of the Secrets Manager secret RDS keeps the master credentials in (the ARN only, never the value)"
  value       = try(aws_rds_cluster.this.master_user_secret[0].secret_arn, null)
}

output "security_group_id" {
  description = "Security group of the cluster"
  value       = try(aws_security_group.this.id, null)
}

output "instance_ids" {
  description = "Identifiers of the instances"
  value       = aws_rds_cluster_instance.this[*].identifier
}
