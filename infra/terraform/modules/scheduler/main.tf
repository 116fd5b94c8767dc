data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  function_name = "${var.name}-scheduler"
  schedules = {
    stop  = var.stop_schedule
    start = var.start_schedule
  }
}

################################################################################
# State parameter: what the stop saw (desired count), so the start restores it
################################################################################

resource "aws_ssm_parameter" "state" {
  name        = var.state_parameter_name
  description = "Written by ${local.function_name}: the state before the nightly stop"
  type        = "SecureString"
  key_id      = var.kms_key_arn
  value       = "{}"
  tags        = var.tags

  lifecycle {
    ignore_changes = [value]
  }
}

################################################################################
# Function
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:Two lines a day of stop/start results; older ones are exported to the logs bucket by the maintenance DAG
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_sqs_queue" "dlq" {
  name                      = "${local.function_name}-dlq"
  kms_master_key_id         = var.kms_key_arn
  message_retention_seconds = 1209600
  tags                      = var.tags
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_117:The function only calls the ECS, RDS and SSM APIs; outside a VPC it needs no NAT or endpoints to reach them
  #checkov:skip=CKV_AWS_272:Built in CI from the reviewed repository (infra/scripts/build_lambda_zip.py); no signing profile exists for this account
  function_name                  = local.function_name
  description                    = "Stops the ${var.name} environment at night and starts it in the morning"
  filename                       = var.lambda_zip_path
  source_code_hash               = filebase64sha256(var.lambda_zip_path)
  handler                        = var.handler
  runtime                        = var.runtime
  role                           = aws_iam_role.this.arn
  timeout                        = 120
  memory_size                    = 256
  reserved_concurrent_executions = 1
  kms_key_arn                    = var.kms_key_arn

  environment {
    variables = {
      CLUSTER_NAME    = var.cluster_name
      SERVICE_NAME    = var.service_name
      DB_CLUSTER_ID   = var.db_cluster_id
      STATE_PARAMETER = aws_ssm_parameter.state.name
    }
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.dlq.arn
  }

  tracing_config {
    mode = "Active"
  }

  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this]
  tags       = var.tags
}

################################################################################
# Role: these resources, these actions
################################################################################

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = local.function_name
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  statement {
    sid       = "Service"
    actions   = ["ecs:DescribeServices", "ecs:UpdateService"]
    resources = ["arn:${local.partition}:ecs:${local.region}:${local.account_id}:service/${var.cluster_name}/${var.service_name}"]
  }

  # The stop lowers the autoscaling minimum to 0 so scaling does not bring the service
  # back overnight; the start restores the remembered bounds.
  statement {
    sid       = "ScalingRead"
    actions   = ["application-autoscaling:DescribeScalableTargets"]
    resources = ["*"] # Describe* accepts no resource-level restriction
  }

  statement {
    sid       = "ScalingBounds"
    actions   = ["application-autoscaling:RegisterScalableTarget"]
    resources = ["arn:${local.partition}:application-autoscaling:${local.region}:${local.account_id}:scalable-target/*"]
  }

  statement {
    sid       = "Database"
    actions   = ["rds:DescribeDBClusters", "rds:StopDBCluster", "rds:StartDBCluster"]
    resources = ["arn:${local.partition}:rds:${local.region}:${local.account_id}:cluster:${var.db_cluster_id}"]
  }

  statement {
    sid       = "State"
    actions   = ["ssm:GetParameter", "ssm:PutParameter"]
    resources = [aws_ssm_parameter.state.arn]
  }

  statement {
    sid       = "Encryption"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }

  statement {
    sid       = "DeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dlq.arn]
  }

  # X-Ray trace submission has no resource-level permissions.
  statement {
    sid       = "Tracing"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "stop-start"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

################################################################################
# Schedules
################################################################################

resource "aws_cloudwatch_event_rule" "this" {
  for_each = local.schedules

  name                = "${var.name}-${each.key}"
  description         = "${each.key} ${var.name} (${each.value}, UTC)"
  schedule_expression = each.value
  tags                = var.tags
}

resource "aws_cloudwatch_event_target" "this" {
  for_each = local.schedules

  rule  = aws_cloudwatch_event_rule.this[each.key].name
  arn   = aws_lambda_function.this.arn
  input = jsonencode({ action = each.key })
}

resource "aws_lambda_permission" "this" {
  for_each = local.schedules

  statement_id  = "events-${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.this[each.key].arn
}
