variable "name" {
  description = "Name of the VPC and prefix of its resources ({project}-{env})"
  type        = string
  nullable    = false
}

variable "cidr" {
  description = "IPv4 CIDR block of the VPC"
  type        = string
  default     = "10.0.0.0/16"
  nullable    = false
}

variable "azs" {
  description = "Availability zones, each with a public, a private and a database subnet (named, so the layout never moves when AWS adds a zone)"
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.azs) >= 2 && length(var.azs) <= 4
    error_message = "Aurora and the ALB need at least 2 zones; the CIDR plan allows 4."
  }
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all zones (cheaper) instead of one per zone (survives a zone outage)"
  type        = bool
  default     = false
  nullable    = false
}

variable "enable_interface_endpoints" {
  description = "Create interface endpoints for ECR, CloudWatch Logs and Secrets Manager"
  type        = bool
  default     = true
  nullable    = false
}

variable "flow_log_bucket_arn" {
  description = "ARN of the bucket VPC flow logs are delivered to"
  type        = string
  nullable    = false
}

variable "flow_log_destination" {
  description = "Where VPC flow logs go: \"s3\" (the logs bucket, kept under its lifecycle) or \"cloud-watch-logs\" (a log group of this module, searchable with Logs Insights)"
  type        = string
  default     = "s3"
  nullable    = false

  validation {
    condition     = contains(["s3", "cloud-watch-logs"], var.flow_log_destination)
    error_message = "flow_log_destination must be \"s3\" or \"cloud-watch-logs\"."
  }
}

variable "flow_log_kms_key_arn" {
  description = "KMS key encrypting the flow-log group (flow_log_destination = \"cloud-watch-logs\" only)"
  type        = string
  default     = null
}

variable "flow_log_retention_days" {
  description = "Days the flow-log group keeps events (flow_log_destination = \"cloud-watch-logs\" only)"
  type        = number
  default     = 30
  nullable    = false
}

variable "flow_log_prefix" {
  description = "Key prefix of the flow logs in that bucket"
  type        = string
  default     = "vpc-flow-logs"
  nullable    = false
}

variable "tags" {
  description = "Tags added to every resource"
  type        = map(string)
  default     = {}
  nullable    = false
}
