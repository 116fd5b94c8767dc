data "aws_caller_identity" "current" {}

locals {
  project = "nba-tracker"
  env     = "dev"
  name    = "${local.project}-${local.env}"
  infra   = "${path.module}/../../.."
  repo    = "${path.module}/../../../.."

  account_id = data.aws_caller_identity.current.account_id

  tags = {
    Project     = local.project
    Environment = local.env
    ManagedBy   = "terraform"
  }

  # The tracker reaches the database through these; the password never leaves Secrets Manager.
  app_environment = merge({
    NBA_TRACKER_ENV     = local.env
    NBA_TRACKER_DB_HOST = module.aurora.endpoint
    NBA_TRACKER_DB_PORT = tostring(module.aurora.port)
    NBA_TRACKER_DB_NAME = module.aurora.database_name
    AWS_REGION          = var.region
    AWS_DEFAULT_REGION  = var.region
  }, var.app_environment)

  monitored = var.enable_mwaa ? ["ecs", "alb", "rds", "mwaa", "app"] : ["ecs", "alb", "rds", "app"]
}

################################################################################
# Encryption key and logs bucket
################################################################################

# The bearer token GraphQL mutations require (scrapeRss from the MWAA DAG). Terraform
# creates the secret, never its value: the operator puts it, and the same value into
# the DAG's SSM connection (docs/deploy.md).
resource "aws_secretsmanager_secret" "api_token" {
  #checkov:skip=CKV2_AWS_57:the token is rotated by the operator together with the MWAA connection, not by a Lambda
  name                    = "${local.name}-api-token"
  description             = "Bearer token for the tracker's GraphQL mutations"
  kms_key_id              = module.kms.key_arn
  recovery_window_in_days = 7
  tags                    = local.tags
}

module "kms" {
  source = "../../modules/kms"

  name = local.name
  tags = local.tags
}

module "storage" {
  source = "../../modules/storage"

  bucket_name          = "${local.name}-logs"
  lifecycle_rules_path = "${local.infra}/storage/logs-lifecycle.json"
  force_destroy        = true
  tags                 = local.tags
}

################################################################################
# Network
################################################################################

module "network" {
  source = "../../modules/network"

  name                 = local.name
  cidr                 = "10.0.0.0/16"
  azs                  = var.azs
  single_nat_gateway   = true
  flow_log_bucket_arn  = module.storage.bucket_arn
  flow_log_prefix      = module.storage.prefixes.flow_logs
  flow_log_destination = var.flow_log_destination
  flow_log_kms_key_arn = module.kms.key_arn
  tags                 = local.tags
}

################################################################################
# Image repository and service
################################################################################

module "ecr" {
  source = "../../modules/ecr"

  name         = local.name
  kms_key_arn  = module.kms.key_arn
  force_delete = true
  tags         = local.tags
}

module "ecs_service" {
  source = "../../modules/ecs_service"

  name                  = local.name
  vpc_id                = module.network.vpc_id
  public_subnet_ids     = module.network.public_subnet_ids
  private_subnet_ids    = module.network.private_subnet_ids
  database_subnet_cidrs = module.network.database_subnet_cidrs

  repository_arn       = module.ecr.repository_arn
  image_repository_url = module.ecr.repository_url
  image_tag            = var.image_tag
  cpu                  = var.task_cpu
  memory               = var.task_memory

  environment = local.app_environment
  secrets = merge({
    NBA_TRACKER_DB_USER     = { source = "secretsmanager", arn = module.aurora.master_user_secret_arn, key = "username" }
    NBA_TRACKER_DB_PASSWORD = { source = "secretsmanager", arn = module.aurora.master_user_secret_arn, key = "password" }
    NBA_TRACKER_API_TOKEN   = { source = "secretsmanager", arn = aws_secretsmanager_secret.api_token.arn, key = null }
  }, var.app_secrets)
  config_parameter_path = "/${local.project}/${local.env}"

  kms_key_arn         = module.kms.key_arn
  log_retention_days  = 30
  certificate_arn     = var.certificate_arn
  access_logs_bucket  = module.storage.bucket_id
  access_logs_prefix  = module.storage.prefixes.alb
  deletion_protection = false
  autoscaling         = { min_capacity = 1, max_capacity = 10, cpu_target = 70 }
  tags                = local.tags
}

################################################################################
# Database
################################################################################

module "aurora" {
  source = "../../modules/aurora"

  name                 = local.name
  vpc_id               = module.network.vpc_id
  db_subnet_group_name = module.network.database_subnet_group_name
  allowed_security_groups = {
    ecs  = module.ecs_service.security_group_id
    mwaa = module.mwaa.security_group_id
  }
  min_capacity        = 0.5
  max_capacity        = 2
  instance_count      = 1
  kms_key_arn         = module.kms.key_arn
  deletion_protection = false
  tags                = local.tags
}

################################################################################
# Airflow (MWAA): the bucket stays when enable_mwaa = false, the environment goes
################################################################################

module "mwaa" {
  source = "../../modules/mwaa"

  name                  = local.name
  create_environment    = var.enable_mwaa
  bucket_name           = "${local.name}-mwaa"
  vpc_id                = module.network.vpc_id
  private_subnet_ids    = module.network.private_subnet_ids
  database_subnet_cidrs = module.network.database_subnet_cidrs
  kms_key_arn           = module.kms.key_arn
  environment_class     = "mw1.micro"
  max_workers           = 1
  dags_path             = "${local.repo}/airflow/dags"
  requirements_path     = "${local.repo}/airflow/requirements.txt"
  plugins_zip_path      = var.mwaa_plugins_zip_path
  access_logs_bucket    = module.storage.bucket_id
  access_logging        = var.enable_s3_access_logging
  access_logs_prefix    = module.storage.prefixes.s3_access
  force_destroy         = true

  # The maintenance DAG: archive old log events, drop untagged images, prune snapshots.
  additional_policy_statements = [
    {
      sid       = "ArchiveLogs"
      actions   = ["logs:CreateExportTask", "logs:DescribeExportTasks"]
      resources = ["arn:aws:logs:${var.region}:${local.account_id}:log-group:/aws/*"]
    },
    {
      sid       = "CleanImages"
      actions   = ["ecr:DescribeImages", "ecr:ListImages", "ecr:BatchDeleteImage"]
      resources = [module.ecr.repository_arn]
    },
    {
      sid       = "Snapshots"
      actions   = ["rds:DescribeDBClusters", "rds:DescribeDBClusterSnapshots", "rds:DeleteDBClusterSnapshot"]
      resources = [module.aurora.cluster_arn, "arn:aws:rds:${var.region}:${local.account_id}:cluster-snapshot:${local.project}-*"]
    },
  ]
  tags = local.tags
}

################################################################################
# Monitoring: one definition, also deployed by `nba-tracker ops monitoring`
################################################################################

module "monitoring" {
  source = "../../modules/monitoring"

  definition_path = "${local.infra}/monitoring/monitoring.json"
  names = {
    region        = var.region
    env           = local.env
    project       = local.project
    prefix        = local.name
    cluster       = module.ecs_service.cluster_name
    service       = module.ecs_service.service_name
    db_cluster    = module.aurora.cluster_id
    alb           = module.ecs_service.alb_arn_suffix
    target_group  = module.ecs_service.target_group_arn_suffix
    mwaa_env      = local.name
    ecs_log_group = module.ecs_service.log_group_name
    alarm_prefix  = local.project
    dashboard     = "NBATracker-Dev"
  }
  services     = local.monitored
  topic_name   = "${local.project}-alerts"
  alarm_emails = var.alarm_emails
  kms_key_arn  = module.kms.key_arn
  tags         = local.tags
}

################################################################################
# Nightly stop and morning start (dev only)
################################################################################

module "scheduler" {
  source = "../../modules/scheduler"

  name                 = local.name
  lambda_zip_path      = var.scheduler_zip_path
  cluster_name         = module.ecs_service.cluster_name
  service_name         = module.ecs_service.service_name
  db_cluster_id        = module.aurora.cluster_id
  state_parameter_name = "/${local.project}/${local.env}/scheduler/state"
  kms_key_arn          = module.kms.key_arn
  tags                 = local.tags
}

################################################################################
# Compliance
################################################################################

module "compliance" {
  source = "../../modules/compliance"

  name              = local.name
  logs_bucket       = module.storage.bucket_id
  cloudtrail_prefix = module.storage.prefixes.cloudtrail
  config_prefix     = module.storage.prefixes.config
  kms_key_arn       = module.kms.key_arn
  enable_cloudtrail = var.enable_cloudtrail
  enable_config     = var.enable_config
  tags              = local.tags
}
