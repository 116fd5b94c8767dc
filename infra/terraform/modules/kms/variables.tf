variable "name" {
  description = "Resource name prefix ({project}-{env}); the alias is alias/{name}"
  type        = string
  nullable    = false
}

variable "deletion_window_in_days" {
  description = "Days a deleted key stays recoverable"
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
