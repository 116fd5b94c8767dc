"""The operations guide as commands on boto3: one module per guide section."""
