"""AWS Lambda handlers; each imports boto3 and this package only."""
