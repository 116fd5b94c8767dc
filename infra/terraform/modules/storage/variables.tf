variable "bucket_name" {
  description = "Name of the logs bucket ({project}-{env}-logs)"
  type        = string
  nullable    = false
}

variable "lifecycle_rules_path" {
  description = "Path of the lifecycle definition: a JSON object with the Rules list of S3 PutBucketLifecycleConfiguration"
  type        = string
  nullable    = false
}

variable "prefixes" {
  description = "Key prefix each producer writes under"
  type = object({
    log_exports = optional(string, "exports")
    cloudtrail  = optional(string, "cloudtrail")
    config      = optional(string, "config")
    flow_logs   = optional(string, "vpc-flow-logs")
    alb         = optional(string, "alb")
    s3_access   = optional(string, "s3-access")
  })
  default  = {}
  nullable = false
}

variable "force_destroy" {
  description = "Allow destroying the bucket while it still holds logs"
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
