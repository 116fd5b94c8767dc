variable "name" {
  description = "Cluster identifier ({project}-{env}); instances are {name}-1, {name}-2, …"
  type        = string
  nullable    = false
}

variable "vpc_id" {
  description = "ID of the VPC"
  type        = string
  nullable    = false
}

variable "db_subnet_group_name" {
  description = "DB subnet group over the database subnets"
  type        = string
  nullable    = false
}

variable "allowed_security_groups" {
  description = "Security groups allowed to connect, by a fixed label (for example { ecs = sg-…, mwaa = sg-… })"
  type        = map(string)
  nullable    = false
}

variable "engine_version" {
  description = "Aurora PostgreSQL version"
  type        = string
  default     = "16.6"
  nullable    = false
}

variable "parameter_group_family" {
  description = "Parameter group family matching engine_version"
  type        = string
  default     = "aurora-postgresql16"
  nullable    = false
}

variable "database_name" {
  description = "Name of the database the tracker uses"
  type        = string
  default     = "nba_tracker"
  nullable    = false
}

variable "master_username" {
  description = "Master user name (its password is managed by RDS in Secrets Manager)"
  type        = string
  default     = "nba_tracker"
  nullable    = false
}

variable "port" {
  description = "PostgreSQL port"
  type        = number
  default     = 5432
  nullable    = false
}

variable "min_capacity" {
  description = "Serverless v2 minimum ACU"
  type        = number
  default     = 0.5
  nullable    = false

  validation {
    condition     = var.min_capacity >= 0 && var.min_capacity <= 256
    error_message = "ACU range is 0–256."
  }
}

variable "max_capacity" {
  description = "Serverless v2 maximum ACU"
  type        = number
  default     = 2
  nullable    = false

  validation {
    condition     = var.max_capacity >= 1 && var.max_capacity <= 256
    error_message = "Maximum ACU is 1–256."
  }
}

variable "instance_count" {
  description = "Number of db.serverless instances (2 or more gives a failover reader)"
  type        = number
  default     = 1
  nullable    = false
}

variable "kms_key_arn" {
  description = "KMS key of the storage, the master secret and Performance Insights"
  type        = string
  nullable    = false
}

variable "backup_retention_period" {
  description = "Days of automated backups"
  type        = number
  default     = 7
  nullable    = false
}

variable "preferred_backup_window" {
  description = "Daily backup window, UTC (while the dev environment runs, outside maintenance)"
  type        = string
  default     = "10:00-11:00"
  nullable    = false
}

variable "preferred_maintenance_window" {
  description = "Weekly maintenance window, UTC"
  type        = string
  default     = "sun:15:00-sun:16:00"
  nullable    = false
}

variable "deletion_protection" {
  description = "Protect the cluster from deletion"
  type        = bool
  default     = true
  nullable    = false
}

variable "monitoring_interval" {
  description = "Enhanced monitoring interval in seconds (0 disables it)"
  type        = number
  default     = 60
  nullable    = false
}

variable "log_min_duration_ms" {
  description = "Statements slower than this are logged"
  type        = number
  default     = 1000
  nullable    = false
}

variable "tags" {
  description = "Tags added to every resource"
  type        = map(string)
  default     = {}
  nullable    = false
}
