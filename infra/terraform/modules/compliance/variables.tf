variable "name" {
  description = "Prefix of the trail, recorder and rules ({project}-{env})"
  type        = string
  nullable    = false
}

variable "logs_bucket" {
  description = "Bucket receiving the trail and the Config snapshots"
  type        = string
  nullable    = false
}

variable "cloudtrail_prefix" {
  description = "Key prefix of the trail in the logs bucket"
  type        = string
  default     = "cloudtrail"
  nullable    = false
}

variable "config_prefix" {
  description = "Key prefix of AWS Config deliveries in the logs bucket"
  type        = string
  default     = "config"
  nullable    = false
}

variable "kms_key_arn" {
  description = "KMS key of the trail and its log group"
  type        = string
  nullable    = false
}

variable "enable_cloudtrail" {
  description = "Create the multi-region trail (one per account is enough)"
  type        = bool
  default     = true
  nullable    = false
}

variable "enable_config" {
  description = "Create the AWS Config recorder and rules (a region holds one recorder per account)"
  type        = bool
  default     = true
  nullable    = false
}

variable "log_retention_days" {
  description = "Retention of the trail's log group"
  type        = number
  default     = 90
  nullable    = false
}

variable "tags" {
  description = "Tags added to every resource"
  type        = map(string)
  default     = {}
  nullable    = false
}
