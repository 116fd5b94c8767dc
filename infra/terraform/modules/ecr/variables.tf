variable "name" {
  description = "Repository name ({project}-{env})"
  type        = string
  nullable    = false
}

variable "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the images"
  type        = string
  nullable    = false
}

variable "untagged_expiry_days" {
  description = "Days after which untagged images expire"
  type        = number
  default     = 7
  nullable    = false
}

variable "keep_tagged_images" {
  description = "How many tagged images to keep (rollback reaches back this far)"
  type        = number
  default     = 20
  nullable    = false
}

variable "force_delete" {
  description = "Allow deleting the repository while it still holds images"
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
