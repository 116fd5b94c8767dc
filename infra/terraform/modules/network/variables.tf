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
