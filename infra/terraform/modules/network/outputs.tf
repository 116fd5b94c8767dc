output "vpc_id" {
  description = "ID of the VPC"
  value       = try(aws_vpc.this.id, null)
}

output "vpc_cidr_block" {
  description = "CIDR block of the VPC"
  value       = try(aws_vpc.this.cidr_block, null)
}

output "azs" {
  description = "Availability zones in use"
  value       = local.azs
}

output "public_subnet_ids" {
  description = "IDs of the public subnets (load balancer, NAT)"
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "IDs of the private subnets (ECS tasks, MWAA)"
  value       = aws_subnet.private[*].id
}

output "database_subnet_ids" {
  description = "IDs of the database subnets"
  value       = aws_subnet.database[*].id
}

output "database_subnet_cidrs" {
  description = "CIDR blocks of the database subnets"
  value       = local.database_cidrs
}

output "database_subnet_group_name" {
  description = "Name of the DB subnet group over the database subnets"
  value       = try(aws_db_subnet_group.database.name, null)
}

output "nat_public_ips" {
  description = "Public IPs of the NAT gateways (what feed servers see)"
  value       = aws_eip.nat[*].public_ip
}

output "vpc_endpoint_ids" {
  description = "IDs of the VPC endpoints by service"
  value       = merge({ s3 = aws_vpc_endpoint.s3.id }, { for k, v in aws_vpc_endpoint.interface : k => v.id })
}
