variable "definition_path" {
  description = "Path of the shared monitoring definition (infra/monitoring/monitoring.json)"
  type        = string
  nullable    = false
}

variable "names" {
  description = "Values of the definition's placeholders (see infra/monitoring/README.md)"
  type = object({
    region        = string
    env           = string
    project       = string
    prefix        = string
    cluster       = string
    service       = string
    db_cluster    = string
    alb           = string
    target_group  = string
    mwaa_env      = string
    ecs_log_group = string
    alarm_prefix  = string
    dashboard     = string
  })
  nullable = false
}

variable "services" {
  description = "Which parts of the definition apply: ecs, alb, rds, mwaa, app (drop mwaa while MWAA is off)"
  type        = list(string)
  default     = ["ecs", "alb", "rds", "mwaa", "app"]
  nullable    = false
}

variable "topic_name" {
  description = "Name of the alerts topic"
  type        = string
  nullable    = false
}

variable "alarm_emails" {
  description = "E-mail addresses subscribed to the alerts topic (each must confirm)"
  type        = list(string)
  default     = []
  nullable    = false
}

variable "kms_key_arn" {
  description = "KMS key of the alerts topic"
  type        = string
  nullable    = false
}

variable "tags" {
  description = "Tags added to every resource"
  type        = map(string)
  default     = {}
  nullable    = false
}
