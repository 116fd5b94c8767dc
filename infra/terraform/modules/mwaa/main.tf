data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  environment_arn = "arn:${local.partition}:airflow:${local.region}:${local.account_id}:environment/${var.name}"
  # MWAA names its log groups itself: airflow-{name}-{Task,Scheduler,DAGProcessing,WebServer,Worker}.
  log_group_arn_prefix = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:airflow-${var.name}-"

  dag_files = var.dags_path == null ? toset([]) : fileset(var.dags_path, "*.py")
}

################################################################################
# Bucket: DAGs, requirements.txt, plugins.zip
# Kept when the environment is switched off (enable_mwaa = false), so turning MWAA
# off in an emergency never deletes the DAGs.
################################################################################

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_144:DAGs and requirements are build outputs of the repository; they are re-uploaded, not replicated
  #checkov:skip=CKV2_AWS_62:MWAA polls the bucket; nothing consumes object events
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
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_logging" "this" {
  count = var.access_logging ? 1 : 0

  bucket        = aws_s3_bucket.this.id
  target_bucket = var.access_logs_bucket
  target_prefix = "${var.access_logs_prefix}/${var.bucket_name}/"
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "expire-old-versions"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = 90
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_object" "dags_prefix" {
  bucket  = aws_s3_bucket.this.id
  key     = "dags/"
  content = ""
}

resource "aws_s3_object" "dags" {
  for_each = local.dag_files

  bucket      = aws_s3_bucket.this.id
  key         = "dags/${each.key}"
  source      = "${var.dags_path}/${each.key}"
  source_hash = filemd5("${var.dags_path}/${each.key}")
}

resource "aws_s3_object" "requirements" {
  bucket      = aws_s3_bucket.this.id
  key         = "requirements.txt"
  source      = var.requirements_path
  source_hash = filemd5(var.requirements_path)
}

resource "aws_s3_object" "plugins" {
  count = var.plugins_zip_path != null ? 1 : 0

  bucket      = aws_s3_bucket.this.id
  key         = "plugins.zip"
  source      = var.plugins_zip_path
  source_hash = filemd5(var.plugins_zip_path)
}

################################################################################
# Security group (exists without the environment: the database trusts it)
################################################################################

resource "aws_security_group" "this" {
  name        = "${var.name}-mwaa"
  description = "MWAA workers, scheduler and web server"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

# MWAA's own components talk to each other inside the group.
resource "aws_vpc_security_group_ingress_rule" "self" {
  security_group_id            = aws_security_group.this.id
  description                  = "MWAA components among themselves"
  ip_protocol                  = "-1"
  referenced_security_group_id = aws_security_group.this.id
}

resource "aws_vpc_security_group_egress_rule" "self" {
  security_group_id            = aws_security_group.this.id
  description                  = "MWAA components among themselves"
  ip_protocol                  = "-1"
  referenced_security_group_id = aws_security_group.this.id
}

# AWS APIs and the tracker's public load balancer (HTTP until a certificate is set).
resource "aws_vpc_security_group_egress_rule" "web" {
  for_each = toset(["80", "443"])

  security_group_id = aws_security_group.this.id
  description       = "AWS APIs and the tracker API on port ${each.key}"
  ip_protocol       = "tcp"
  from_port         = tonumber(each.key)
  to_port           = tonumber(each.key)
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "database" {
  for_each = toset(var.database_subnet_cidrs)

  security_group_id = aws_security_group.this.id
  description       = "Airflow metadata and the tracker's database"
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = each.key
}

################################################################################
# Execution role
################################################################################

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["airflow.amazonaws.com", "airflow-env.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = "${var.name}-mwaa"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "PublishMetrics"
    actions   = ["airflow:PublishMetrics"]
    resources = [local.environment_arn]
  }

  statement {
    sid       = "ReadBucket"
    actions   = ["s3:GetObject*", "s3:GetBucket*", "s3:List*"]
    resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]
  }

  # MWAA refuses a source bucket it cannot prove private; the check is account-wide.
  statement {
    sid       = "CheckPublicAccessBlock"
    actions   = ["s3:GetAccountPublicAccessBlock"]
    resources = ["*"]
  }

  statement {
    sid = "WriteOwnLogs"
    actions = [
      "logs:CreateLogStream", "logs:CreateLogGroup", "logs:PutLogEvents", "logs:GetLogEvents",
      "logs:GetLogRecord", "logs:GetLogGroupFields", "logs:GetQueryResults",
    ]
    resources = ["${local.log_group_arn_prefix}*"]
  }

  statement {
    sid       = "DescribeLogGroups"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
  }

  statement {
    sid       = "AirflowMetrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = ["AmazonMWAA"]
    }
  }

  # The Celery queue MWAA creates in its own service account.
  statement {
    sid = "CeleryQueue"
    actions = [
      "sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
      "sqs:GetQueueUrl", "sqs:ReceiveMessage", "sqs:SendMessage",
    ]
    resources = ["arn:${local.partition}:sqs:${local.region}:*:airflow-celery-*"]
  }

  statement {
    sid       = "DecryptBucketAndParameters"
    actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey*", "kms:Encrypt"]
    resources = [var.kms_key_arn]
  }

  # Secrets backend: Airflow Variables and Connections from SSM Parameter Store.
  statement {
    sid     = "AirflowSecretsBackend"
    actions = ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"]
    resources = [
      "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${var.variables_prefix}/*",
      "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${var.connections_prefix}/*",
    ]
  }

  dynamic "statement" {
    for_each = length(var.additional_policy_statements) > 0 ? var.additional_policy_statements : []
    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "mwaa"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

################################################################################
# Environment
################################################################################

resource "aws_mwaa_environment" "this" {
  count = var.create_environment ? 1 : 0

  name               = var.name
  airflow_version    = var.airflow_version
  environment_class  = var.environment_class
  min_workers        = var.min_workers
  max_workers        = var.max_workers
  execution_role_arn = aws_iam_role.this.arn
  kms_key            = var.kms_key_arn

  source_bucket_arn              = aws_s3_bucket.this.arn
  dag_s3_path                    = "dags/"
  requirements_s3_path           = aws_s3_object.requirements.key
  requirements_s3_object_version = aws_s3_object.requirements.version_id
  plugins_s3_path                = var.plugins_zip_path != null ? aws_s3_object.plugins[0].key : null
  plugins_s3_object_version      = var.plugins_zip_path != null ? aws_s3_object.plugins[0].version_id : null

  webserver_access_mode           = "PRIVATE_ONLY"
  weekly_maintenance_window_start = var.weekly_maintenance_window_start

  airflow_configuration_options = {
    "secrets.backend" = "airflow.providers.amazon.aws.secrets.systems_manager.SystemsManagerParameterStoreBackend"
    "secrets.backend_kwargs" = jsonencode({
      connections_prefix = var.connections_prefix
      variables_prefix   = var.variables_prefix
    })
  }

  network_configuration {
    security_group_ids = [aws_security_group.this.id]
    subnet_ids         = slice(var.private_subnet_ids, 0, 2)
  }

  logging_configuration {
    dag_processing_logs {
      enabled   = true
      log_level = var.log_level
    }
    scheduler_logs {
      enabled   = true
      log_level = var.log_level
    }
    task_logs {
      enabled   = true
      log_level = var.log_level
    }
    webserver_logs {
      enabled   = true
      log_level = "WARNING"
    }
    worker_logs {
      enabled   = true
      log_level = var.log_level
    }
  }

  depends_on = [aws_iam_role_policy.this, aws_s3_object.dags_prefix]
  tags       = var.tags
}
