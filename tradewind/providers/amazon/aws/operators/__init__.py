"""AWS operators (`s3`), on `base_aws.AwsBaseOperator`."""
