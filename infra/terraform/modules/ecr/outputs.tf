output "repository_name" {
  description = "Name of the repository"
  value       = try(aws_ecr_repository.this.name, null)
}

output "repository_arn" {
  description = "ARN of the repository"
  value       = try(aws_ecr_repository.this.arn, null)
}

output "repository_url" {
  description = "URL to push and pull images ({account}.dkr.ecr.{region}.amazonaws.com/{name})"
  value       = try(aws_ecr_repository.this.repository_url, null)
}
