variable "region" {
  description = "AWS region of the environment"
  type        = string
  default     = "ap-northeast-1"
  nullable    = false
}

variable "azs" {
  description = "Two availability zones of the region (ap-northeast-1b does not exist for most accounts)"
  type        = list(string)
  default     = ["ap-northeast-1a", "ap-northeast-1c"]
  nullable    = false
}

variable "enable_mwaa" {
  description = "Run the MWAA environment (false in an emergency or before the first image is pushed)"
  type        = bool
  default     = true
  nullable    = false
}

variable "image_tag" {
  description = "Tag of the tracker image the service runs"
  type        = string
  default     = "latest"
  nullable    = false
}

variable "task_cpu" {
  description = "CPU units of a task"
  type        = number
  default     = 1024
  nullable    = false
}

variable "task_memory" {
  description = "Memory of a task in MiB"
  type        = number
  default     = 2048
  nullable    = false
}

variable "app_environment" {
  description = "Extra plain environment variables of the tracker (NBA_TRACKER_*)"
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "app_secrets" {
  description = "Extra environment variables injected from Secrets Manager or SSM (see the ecs_service module)"
  type = map(object({
    source = string
    arn    = string
    key    = optional(string)
  }))
  default  = {}
  nullable = false
}

variable "certificate_arn" {
  description = "ACM certificate of the load balancer; null serves HTTP only"
  type        = string
  default     = null
}

variable "alarm_emails" {
  description = "Addresses subscribed to the alerts topic"
  type        = list(string)
  default     = []
  nullable    = false
}

variable "mwaa_plugins_zip_path" {
  description = "plugins.zip with the nba_tracker package for the DAGs, or null"
  type        = string
  default     = null
}

variable "enable_cloudtrail" {
  description = "Create the account's multi-region trail here (false when another stack owns it)"
  type        = bool
  default     = true
  nullable    = false
}

variable "enable_config" {
  description = "Create the region's AWS Config recorder here (false when another stack owns it)"
  type        = bool
  default     = true
  nullable    = false
}

variable "flow_log_destination" {
  description = "VPC flow logs to the logs bucket (\"s3\") or to a log group (\"cloud-watch-logs\", searchable with Logs Insights)"
  type        = string
  default     = "s3"
  nullable    = false
}

variable "enable_s3_access_logging" {
  description = "S3 server access logs of the MWAA bucket into the logs bucket (false where CloudTrail S3 data events already record the requests)"
  type        = bool
  default     = true
  nullable    = false
}
