data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  https           = var.certificate_arn != null
  container_name  = "app"
  dispatcher_name = "dispatcher"
  log_group_name  = "/aws/ecs/${var.name}"

  # Web Push alerts sign with the VAPID key this module keeps in Secrets Manager.
  vapid_secret = var.web_push_enabled ? {
    NBA_TRACKER_VAPID_PRIVATE_KEY = { source = "secretsmanager", arn = aws_secretsmanager_secret.vapid[0].arn, key = null }
  } : {}
  secrets = merge(var.secrets, local.vapid_secret)

  secret_arns    = distinct([for s in values(local.secrets) : s.arn if s.source == "secretsmanager"])
  parameter_arns = distinct([for s in values(local.secrets) : s.arn if s.source == "ssm"])
  # ECS reads one JSON key of a secret with the suffix :{key}:: (version stage and id empty).
  secret_refs = {
    for name, s in local.secrets : name => s.key == null ? s.arn : "${s.arn}:${s.key}::"
  }
  has_secrets    = length([for s in values(local.secrets) : s if s.source == "secretsmanager"]) > 0
  has_parameters = length([for s in values(local.secrets) : s if s.source == "ssm"]) > 0

  terminology_arn = "arn:${local.partition}:translate:${local.region}:${local.account_id}:terminology/${var.translate_terminology}"
}

################################################################################
# Cluster
################################################################################

resource "aws_ecs_cluster" "this" {
  name = var.name

  # Container Insights publishes RunningTaskCount, which the dashboard shows.
  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:Older events are exported to the logs bucket by the maintenance DAG and kept there under infra/storage/logs-lifecycle.json
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

################################################################################
# Task execution role: pull the image, write logs, read the injected secrets
################################################################################

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "task_exec" {
  name               = "${var.name}-task-exec"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "task_exec" {
  # GetAuthorizationToken has no resource-level permissions.
  statement {
    sid       = "EcrLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid       = "EcrPull"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    resources = [var.repository_arn]
  }

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  dynamic "statement" {
    for_each = local.has_secrets ? [1] : []
    content {
      sid       = "InjectSecrets"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = local.secret_arns
    }
  }

  dynamic "statement" {
    for_each = local.has_parameters ? [1] : []
    content {
      sid       = "InjectParameters"
      actions   = ["ssm:GetParameters"]
      resources = local.parameter_arns
    }
  }

  statement {
    sid       = "DecryptSecretsAndImages"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "task_exec" {
  name   = "pull-log-secrets"
  role   = aws_iam_role.task_exec.id
  policy = data.aws_iam_policy_document.task_exec.json
}

################################################################################
# Task role: what the tracker itself calls
################################################################################

resource "aws_iam_role" "tasks" {
  name               = "${var.name}-tasks"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "tasks" {
  # The Japanese edition: Amazon Translate with the project's terminology, nothing else.
  statement {
    sid       = "TranslateWithTerminology"
    actions   = ["translate:TranslateText", "translate:GetTerminology"]
    resources = [local.terminology_arn]
  }

  dynamic "statement" {
    for_each = var.config_parameter_path != null ? [1] : []
    content {
      sid       = "ReadConfig"
      actions   = ["ssm:GetParametersByPath", "ssm:GetParameters", "ssm:GetParameter"]
      resources = ["arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${var.config_parameter_path}/*"]
    }
  }

  statement {
    sid       = "DecryptConfig"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }

  # The alert dispatcher publishes to this module's alert topics and no other; the
  # topics are encrypted with the same key.
  dynamic "statement" {
    for_each = length(var.alert_topic_names) > 0 ? [1] : []
    content {
      sid       = "PublishAlerts"
      actions   = ["sns:Publish"]
      resources = [for t in aws_sns_topic.alerts : t.arn]
    }
  }

  dynamic "statement" {
    for_each = length(var.alert_topic_names) > 0 ? [1] : []
    content {
      sid       = "EncryptAlerts"
      actions   = ["kms:GenerateDataKey*"]
      resources = [var.kms_key_arn]
    }
  }
}

resource "aws_iam_role_policy" "tasks" {
  name   = "app"
  role   = aws_iam_role.tasks.id
  policy = data.aws_iam_policy_document.tasks.json
}

################################################################################
# Alerts: SNS topics the dispatcher may publish to, the Web Push (VAPID) key
################################################################################

resource "aws_sns_topic" "alerts" {
  for_each = toset(var.alert_topic_names)

  name              = "${var.name}-${each.key}"
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

# Terraform creates the secret, never its value: the operator puts the PEM private key
# (docs/operations.md, "Alerts"), so it is in no state file.
resource "aws_secretsmanager_secret" "vapid" {
  #checkov:skip=CKV2_AWS_57:a VAPID key is rotated by the operator; browsers subscribed under the old public key must subscribe again
  count = var.web_push_enabled ? 1 : 0

  name                    = "${var.name}-vapid-private-key"
  description             = "VAPID private key (PEM) the tracker signs Web Push alerts with"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = 7
  tags                    = var.tags
}

################################################################################
# Task definition
################################################################################

resource "aws_ecs_task_definition" "this" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.task_exec.arn
  task_role_arn            = aws_iam_role.tasks.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  # The root filesystem is read-only; /tmp is the one writable place.
  volume {
    name = "tmp"
  }

  # Two containers of one image: "app" serves the page, GraphQL and health behind the
  # load balancer; "dispatcher" sends the alerts (`nba-tracker alerts dispatch --forever`)
  # in its own process, so a burst of a thousand sends never shares an event loop with
  # requests or a collection. Both are essential: a task without its dispatcher would
  # keep owing alerts silently, so ECS replaces it. Every task has one; claims are safe
  # across them (FOR UPDATE SKIP LOCKED). Under contention the task's CPU is shared 3:1
  # in favour of "app" (container cpu units are relative weights), as
  # NBA_TRACKER_DISPATCHER_NICE does on one machine.
  container_definitions = jsonencode([
    for c in [
      {
        name         = local.container_name
        cpu          = var.cpu - floor(var.cpu / 4)
        portMappings = [{ containerPort = var.container_port, protocol = "tcp" }]
        environment  = merge(var.environment, { NBA_TRACKER_DISPATCH_IN_SERVE = "false" })
      },
      {
        name        = local.dispatcher_name
        cpu         = floor(var.cpu / 4)
        command     = ["nba-tracker", "alerts", "dispatch", "--forever"]
        environment = var.environment
      },
      ] : merge(c, {
        # What both share: the image, the secrets, a read-only root with /tmp writable,
        # and the log group, each under a stream prefix of its own name.
        image                  = "${var.image_repository_url}:${var.image_tag}"
        essential              = true
        readonlyRootFilesystem = true
        environment            = [for k, v in c.environment : { name = k, value = v }]
        secrets                = [for k, v in local.secret_refs : { name = k, valueFrom = v }]
        mountPoints            = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
        logConfiguration = {
          logDriver = "awslogs"
          options = {
            awslogs-group         = aws_cloudwatch_log_group.this.name
            awslogs-region        = local.region
            awslogs-stream-prefix = c.name
          }
        }
    })
  ])

  tags = var.tags
}

################################################################################
# Security groups
################################################################################

resource "aws_security_group" "alb" {
  name        = "${var.name}-alb"
  description = "Public HTTP(S) to the load balancer"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "alb_http" {
  #checkov:skip=CKV_AWS_260:A public web service; with a certificate port 80 only redirects to HTTPS
  security_group_id = aws_security_group.alb.id
  description       = "HTTP from anywhere (redirected to HTTPS when a certificate is set)"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "alb_https" {
  count = local.https ? 1 : 0

  security_group_id = aws_security_group.alb.id
  description       = "HTTPS from anywhere"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "alb_to_service" {
  security_group_id            = aws_security_group.alb.id
  description                  = "To the tasks"
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = aws_security_group.service.id
}

resource "aws_security_group" "service" {
  name        = "${var.name}-service"
  description = "The tracker's tasks"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "service_from_alb" {
  security_group_id            = aws_security_group.service.id
  description                  = "From the load balancer"
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = aws_security_group.alb.id
}

# Feeds are fetched from the internet over HTTP(S); AWS APIs are HTTPS.
resource "aws_vpc_security_group_egress_rule" "service_web" {
  for_each = toset(["80", "443"])

  security_group_id = aws_security_group.service.id
  description       = "Feeds and AWS APIs on port ${each.key}"
  ip_protocol       = "tcp"
  from_port         = tonumber(each.key)
  to_port           = tonumber(each.key)
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "service_database" {
  for_each = toset(var.database_subnet_cidrs)

  security_group_id = aws_security_group.service.id
  description       = "PostgreSQL in the database subnets"
  ip_protocol       = "tcp"
  from_port         = var.database_port
  to_port           = var.database_port
  cidr_ipv4         = each.key
}

################################################################################
# Load balancer
################################################################################

resource "aws_lb" "this" {
  name                       = var.name
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.public_subnet_ids
  security_groups            = [aws_security_group.alb.id]
  drop_invalid_header_fields = true
  enable_deletion_protection = var.deletion_protection

  access_logs {
    bucket  = var.access_logs_bucket
    prefix  = var.access_logs_prefix
    enabled = true
  }

  tags = var.tags
}

################################################################################
# Web ACL: AWS managed rules (common exploits, known bad inputs such as Log4j,
# IP reputation, anonymizers) and a per-address rate limit
################################################################################

resource "aws_wafv2_web_acl" "this" {
  name  = var.name
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  rule {
    name     = "AWSManagedRulesCommonRuleSet"
    priority = 1

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesCommonRuleSet"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "AWSManagedRulesCommonRuleSet"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "AWSManagedRulesKnownBadInputsRuleSet"
    priority = 2

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "AWSManagedRulesKnownBadInputsRuleSet"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "AWSManagedRulesAmazonIpReputationList"
    priority = 3

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesAmazonIpReputationList"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "AWSManagedRulesAmazonIpReputationList"
      sampled_requests_enabled   = true
    }
  }

  # Anonymizers are blocked; hosting providers only counted: MWAA reaches the API from
  # AWS addresses and feed readers run on cloud servers.
  rule {
    name     = "AWSManagedRulesAnonymousIpList"
    priority = 4

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesAnonymousIpList"

        rule_action_override {
          name = "HostingProviderIPList"
          action_to_use {
            count {}
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "AWSManagedRulesAnonymousIpList"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "rate-limit"
    priority = 10

    action {
      block {}
    }

    statement {
      rate_based_statement {
        limit              = var.waf_rate_limit
        aggregate_key_type = "IP"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "rate-limit"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = var.name
    sampled_requests_enabled   = true
  }

  tags = var.tags
}

# WAF requires the aws-waf-logs- prefix.
resource "aws_cloudwatch_log_group" "waf" {
  #checkov:skip=CKV_AWS_338:Blocked-request logs are for investigating recent attacks; older events are exported to the logs bucket
  name              = "aws-waf-logs-${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_wafv2_web_acl_logging_configuration" "this" {
  resource_arn            = aws_wafv2_web_acl.this.arn
  log_destination_configs = [aws_cloudwatch_log_group.waf.arn]
}

resource "aws_wafv2_web_acl_association" "this" {
  resource_arn = aws_lb.this.arn
  web_acl_arn  = aws_wafv2_web_acl.this.arn
}


resource "aws_lb_target_group" "this" {
  #checkov:skip=CKV_AWS_378:TLS ends at the load balancer; the tasks sit in private subnets and accept only the load balancer's security group
  name                 = var.name
  port                 = var.container_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 30

  health_check {
    path                = var.health_check_path
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = var.tags
}

resource "aws_lb_listener" "http" {
  #checkov:skip=CKV_AWS_2:Serves plain HTTP only while no certificate is given; a certificate switches this listener to a redirect
  #checkov:skip=CKV_AWS_103:Same listener: TLS applies to the HTTPS listener created with the certificate
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = local.https ? "redirect" : "forward"
    target_group_arn = local.https ? null : aws_lb_target_group.this.arn

    dynamic "redirect" {
      for_each = local.https ? [1] : []
      content {
        port        = "443"
        protocol    = "HTTPS"
        status_code = "HTTP_301"
      }
    }
  }

  tags = var.tags
}

resource "aws_lb_listener" "https" {
  count = local.https ? 1 : 0

  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }

  tags = var.tags
}

################################################################################
# Service
################################################################################

resource "aws_ecs_service" "this" {
  name                              = var.name
  cluster                           = aws_ecs_cluster.this.id
  task_definition                   = aws_ecs_task_definition.this.arn
  launch_type                       = "FARGATE"
  desired_count                     = var.desired_count
  health_check_grace_period_seconds = 60
  propagate_tags                    = "SERVICE"
  enable_ecs_managed_tags           = true

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.service.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.this.arn
    container_name   = local.container_name
    container_port   = var.container_port
  }

  # Autoscaling, the ops scale command and the night-time stop own the count.
  lifecycle {
    ignore_changes = [desired_count]
  }

  depends_on = [aws_lb_listener.http, aws_lb_listener.https]
  tags       = var.tags
}

################################################################################
# Autoscaling
################################################################################

resource "aws_appautoscaling_target" "this" {
  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.this.name}"
  min_capacity       = var.autoscaling.min_capacity
  max_capacity       = var.autoscaling.max_capacity

  lifecycle {
    ignore_changes = [min_capacity]
  }
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = "cpu-scaling-policy"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension
  resource_id        = aws_appautoscaling_target.this.resource_id

  target_tracking_scaling_policy_configuration {
    target_value = var.autoscaling.cpu_target
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}
