data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_elb_service_account" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  lifecycle  = jsondecode(file(var.lifecycle_rules_path))
}

################################################################################
# Bucket
################################################################################

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_18:This bucket is the access-log destination of the other buckets; logging it into itself would loop
  #checkov:skip=CKV_AWS_144:Logs are a copy of data kept elsewhere (CloudWatch, CloudTrail); a second region doubles cost without a recovery need
  #checkov:skip=CKV2_AWS_62:Nothing consumes object-created events of log files
  #checkov:skip=CKV_AWS_145:ALB access logs can only be delivered to SSE-S3 buckets, so this bucket uses SSE-S3
  bucket        = var.bucket_name
  force_destroy = var.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

################################################################################
# Lifecycle (infra/storage/logs-lifecycle.json, the shape of PutBucketLifecycleConfiguration)
################################################################################

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  #checkov:skip=CKV_AWS_300:AbortIncompleteMultipartUpload is set in the rules file, which checkov does not read (tests/infra asserts it)
  bucket = aws_s3_bucket.this.id

  dynamic "rule" {
    for_each = local.lifecycle.Rules
    content {
      id     = rule.value.ID
      status = rule.value.Status

      filter {
        prefix = try(rule.value.Filter.Prefix, "")
      }

      dynamic "transition" {
        for_each = try(rule.value.Transitions, [])
        content {
          days          = transition.value.Days
          storage_class = transition.value.StorageClass
        }
      }

      dynamic "expiration" {
        for_each = try([rule.value.Expiration], [])
        content {
          days = expiration.value.Days
        }
      }

      dynamic "noncurrent_version_expiration" {
        for_each = try([rule.value.NoncurrentVersionExpiration], [])
        content {
          noncurrent_days = noncurrent_version_expiration.value.NoncurrentDays
        }
      }

      dynamic "abort_incomplete_multipart_upload" {
        for_each = try([rule.value.AbortIncompleteMultipartUpload], [])
        content {
          days_after_initiation = abort_incomplete_multipart_upload.value.DaysAfterInitiation
        }
      }
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

################################################################################
# Bucket policy: who may write which prefix
################################################################################

data "aws_iam_policy_document" "this" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.this.arn,
      "${aws_s3_bucket.this.arn}/*",
    ]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  # CloudWatch Logs export tasks (the maintenance archive of old log events).
  statement {
    sid       = "LogsExportAcl"
    actions   = ["s3:GetBucketAcl"]
    resources = [aws_s3_bucket.this.arn]
    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }

  statement {
    sid       = "LogsExportWrite"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.this.arn}/${var.prefixes.log_exports}/*"]
    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }

  # CloudTrail, AWS Config and VPC flow logs check the ACL, then write under their prefix.
  statement {
    sid       = "ServiceDeliveryAcl"
    actions   = ["s3:GetBucketAcl", "s3:ListBucket"]
    resources = [aws_s3_bucket.this.arn]
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com", "config.amazonaws.com", "delivery.logs.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }

  statement {
    sid     = "ServiceDeliveryWrite"
    actions = ["s3:PutObject"]
    resources = [
      "${aws_s3_bucket.this.arn}/${var.prefixes.cloudtrail}/AWSLogs/${local.account_id}/*",
      "${aws_s3_bucket.this.arn}/${var.prefixes.config}/AWSLogs/${local.account_id}/*",
      "${aws_s3_bucket.this.arn}/${var.prefixes.flow_logs}/AWSLogs/${local.account_id}/*",
    ]
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com", "config.amazonaws.com", "delivery.logs.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
    condition {
      test     = "StringEquals"
      variable = "s3:x-amz-acl"
      values   = ["bucket-owner-full-control"]
    }
  }

  # ALB access logs: the regional Elastic Load Balancing account writes them.
  statement {
    sid       = "AlbAccessLogs"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.this.arn}/${var.prefixes.alb}/AWSLogs/${local.account_id}/*"]
    principals {
      type        = "AWS"
      identifiers = [data.aws_elb_service_account.current.arn]
    }
  }

  # S3 server access logs of the other buckets.
  statement {
    sid       = "S3ServerAccessLogs"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.this.arn}/${var.prefixes.s3_access}/*"]
    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.this.json

  depends_on = [aws_s3_bucket_public_access_block.this]
}
