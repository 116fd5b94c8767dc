variable "name" {
  description = "Name of the MWAA environment ({project}-{env})"
  type        = string
  nullable    = false
}

variable "create_environment" {
  description = "Create the MWAA environment (enable_mwaa); the bucket, role and security group exist either way"
  type        = bool
  default     = true
  nullable    = false
}

variable "bucket_name" {
  description = "Name of the versioned source bucket ({project}-{env}-mwaa)"
  type        = string
  nullable    = false
}

variable "vpc_id" {
  description = "ID of the VPC"
  type        = string
  nullable    = false
}

variable "private_subnet_ids" {
  description = "Private subnets; MWAA uses the first two"
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.private_subnet_ids) >= 2
    error_message = "MWAA needs two private subnets in different zones."
  }
}

variable "database_subnet_cidrs" {
  description = "CIDR blocks of the database subnets the DAGs may reach"
  type        = list(string)
  default     = []
  nullable    = false
}

variable "kms_key_arn" {
  description = "KMS key of the bucket, the environment and the SSM parameters"
  type        = string
  nullable    = false
}

variable "airflow_version" {
  description = "Apache Airflow version of the environment"
  type        = string
  default     = "2.10.3"
  nullable    = false
}

variable "environment_class" {
  description = "mw1.micro, mw1.small, mw1.medium, …"
  type        = string
  default     = "mw1.small"
  nullable    = false
}

variable "min_workers" {
  description = "Minimum workers"
  type        = number
  default     = 1
  nullable    = false
}

variable "max_workers" {
  description = "Maximum workers"
  type        = number
  default     = 2
  nullable    = false
}

variable "weekly_maintenance_window_start" {
  description = "Start of the weekly maintenance window, UTC (DAY:HH:MM)"
  type        = string
  default     = "SUN:16:00"
  nullable    = false
}

variable "log_level" {
  description = "Level of the task, scheduler, worker and DAG processing logs"
  type        = string
  default     = "INFO"
  nullable    = false
}

variable "variables_prefix" {
  description = "SSM prefix of Airflow Variables"
  type        = string
  default     = "/airflow/variables"
  nullable    = false
}

variable "connections_prefix" {
  description = "SSM prefix of Airflow Connections"
  type        = string
  default     = "/airflow/connections"
  nullable    = false
}

variable "dags_path" {
  description = "Local folder whose *.py files are uploaded to dags/, or null to deploy DAGs separately"
  type        = string
  default     = null
}

variable "requirements_path" {
  description = "Local requirements.txt uploaded to the bucket root"
  type        = string
  nullable    = false
}

variable "plugins_zip_path" {
  description = "Local plugins.zip (the nba_tracker package), or null"
  type        = string
  default     = null
}

variable "additional_policy_statements" {
  description = "Extra allow statements for what the DAGs call (maintenance: log exports, ECR cleanup, snapshots)"
  type = list(object({
    sid       = string
    actions   = list(string)
    resources = list(string)
  }))
  default  = []
  nullable = false
}

variable "access_logging" {
  description = "Log every request to the bucket (S3 server access logs into access_logs_bucket); false where CloudTrail data events already record them or the destination cannot take them"
  type        = bool
  default     = true
  nullable    = false
}

variable "access_logs_bucket" {
  description = "Bucket receiving the S3 server access logs of the source bucket"
  type        = string
  nullable    = false
}

variable "access_logs_prefix" {
  description = "Key prefix of those access logs"
  type        = string
  default     = "s3-access"
  nullable    = false
}

variable "force_destroy" {
  description = "Allow destroying the bucket while it holds objects"
  type        = bool
  default     = false
  nullable    = false
}

variable "tags" {
  description = "Tags added to every resource"
  type        = map(string)
  default     = {}
  nullable    = false
}
