variable "name" {
  description = "Environment prefix ({project}-{env}); the function is {name}-scheduler, the rules {name}-stop and {name}-start"
  type        = string
  nullable    = false
}

variable "lambda_zip_path" {
  description = "Prebuilt deployment package holding the nba_tracker package (infra/scripts/build_lambda_zip.py)"
  type        = string
  nullable    = false
}

variable "handler" {
  description = "Handler of the function"
  type        = string
  default     = "nba_tracker.lambdas.scheduler.handler"
  nullable    = false
}

variable "runtime" {
  description = "Lambda Python runtime"
  type        = string
  default     = "python3.12"
  nullable    = false
}

variable "cluster_name" {
  description = "ECS cluster of the service to stop"
  type        = string
  nullable    = false
}

variable "service_name" {
  description = "ECS service to stop"
  type        = string
  nullable    = false
}

variable "db_cluster_id" {
  description = "Aurora cluster to stop"
  type        = string
  nullable    = false
}

variable "state_parameter_name" {
  description = "SSM parameter holding the state before the stop (/{project}/{env}/scheduler/state)"
  type        = string
  nullable    = false
}

variable "stop_schedule" {
  description = "EventBridge schedule of the stop (UTC; 13:00 UTC is 22:00 JST)"
  type        = string
  default     = "cron(0 13 * * ? *)"
  nullable    = false
}

variable "start_schedule" {
  description = "EventBridge schedule of the start (UTC; 23:00 UTC is 08:00 JST)"
  type        = string
  default     = "cron(0 23 * * ? *)"
  nullable    = false
}

variable "kms_key_arn" {
  description = "KMS key of the environment variables, the log group, the state parameter and the dead-letter queue"
  type        = string
  nullable    = false
}

variable "log_retention_days" {
  description = "Retention of the function's log group"
  type        = number
  default     = 30
  nullable    = false
}

variable "tags" {
  description = "Tags added to every resource"
  type        = map(string)
  default     = {}
  nullable    = false
}
