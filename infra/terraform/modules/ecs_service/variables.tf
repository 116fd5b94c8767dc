variable "name" {
  description = "Name of the cluster, service, task family, load balancer and target group ({project}-{env})"
  type        = string
  nullable    = false
}

variable "vpc_id" {
  description = "ID of the VPC"
  type        = string
  nullable    = false
}

variable "public_subnet_ids" {
  description = "Subnets of the load balancer"
  type        = list(string)
  nullable    = false
}

variable "private_subnet_ids" {
  description = "Subnets of the tasks"
  type        = list(string)
  nullable    = false
}

variable "database_subnet_cidrs" {
  description = "CIDR blocks the tasks may reach PostgreSQL in"
  type        = list(string)
  nullable    = false
}

variable "database_port" {
  description = "PostgreSQL port"
  type        = number
  default     = 5432
  nullable    = false
}

variable "repository_arn" {
  description = "ARN of the ECR repository the task pulls from"
  type        = string
  nullable    = false
}

variable "image_repository_url" {
  description = "Repository URL of the image, without tag"
  type        = string
  nullable    = false
}

variable "image_tag" {
  description = "Tag of the image to run"
  type        = string
  default     = "latest"
  nullable    = false
}

variable "cpu" {
  description = "Task CPU units (256, 512, 1024, …)"
  type        = number
  default     = 512
  nullable    = false
}

variable "memory" {
  description = "Task memory in MiB, valid for the chosen CPU"
  type        = number
  default     = 1024
  nullable    = false
}

variable "cpu_architecture" {
  description = "X86_64 or ARM64, matching the image"
  type        = string
  default     = "X86_64"
  nullable    = false
}

variable "container_port" {
  description = "Port the tracker listens on inside the container"
  type        = number
  default     = 8000
  nullable    = false
}

variable "environment" {
  description = "Plain environment variables of the container"
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "secrets" {
  description = "Environment variables injected from Secrets Manager (source = secretsmanager, optional JSON key) or SSM Parameter Store (source = ssm, parameter ARN)"
  type = map(object({
    source = string
    arn    = string
    key    = optional(string)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for s in values(var.secrets) : contains(["secretsmanager", "ssm"], s.source)])
    error_message = "Each secret's source is secretsmanager or ssm."
  }
}

variable "config_parameter_path" {
  description = "SSM path the tracker reads its configuration from at run time (/{project}/{env}), or null"
  type        = string
  default     = null
}

variable "translate_terminology" {
  description = "Name of the Amazon Translate terminology the task may use"
  type        = string
  default     = "nba-tracker-terms"
  nullable    = false
}

variable "alert_topic_names" {
  description = "SNS topics created for alerts ({name}-{topic}); the task may publish to these and no other"
  type        = list(string)
  default     = []
  nullable    = false
}

variable "web_push_enabled" {
  description = "Create the Secrets Manager secret of the VAPID key and inject it as NBA_TRACKER_VAPID_PRIVATE_KEY"
  type        = bool
  default     = false
  nullable    = false
}

variable "kms_key_arn" {
  description = "KMS key of the log group, the secrets and the images"
  type        = string
  nullable    = false
}

variable "log_retention_days" {
  description = "Retention of /aws/ecs/{name}"
  type        = number
  default     = 90
  nullable    = false
}

variable "desired_count" {
  description = "Tasks at creation; afterwards autoscaling owns the count"
  type        = number
  default     = 1
  nullable    = false
}

variable "autoscaling" {
  description = "Target tracking on average CPU"
  type = object({
    min_capacity = optional(number, 1)
    max_capacity = optional(number, 10)
    cpu_target   = optional(number, 70)
  })
  default  = {}
  nullable = false
}

variable "health_check_path" {
  description = "Path the target group checks"
  type        = string
  default     = "/health"
  nullable    = false
}

variable "certificate_arn" {
  description = "ACM certificate for HTTPS; when set, HTTP redirects to HTTPS"
  type        = string
  default     = null
}

variable "ssl_policy" {
  description = "TLS policy of the HTTPS listener"
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  nullable    = false
}

variable "waf_rate_limit" {
  description = "Requests per 5 minutes from one address before the created web ACL blocks it"
  type        = number
  default     = 2000
  nullable    = false
}

variable "access_logs_bucket" {
  description = "Bucket the load balancer writes access logs to"
  type        = string
  nullable    = false
}

variable "access_logs_prefix" {
  description = "Key prefix of the access logs"
  type        = string
  default     = "alb"
  nullable    = false
}

variable "deletion_protection" {
  description = "Protect the load balancer from deletion"
  type        = bool
  default     = true
  nullable    = false
}

variable "tags" {
  description = "Tags added to every resource"
  type        = map(string)
  default     = {}
  nullable    = false
}
