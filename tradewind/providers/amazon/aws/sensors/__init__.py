"""AWS sensors (`s3`), on `base_aws.AwsBaseSensor`."""
