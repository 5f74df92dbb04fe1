"""AWS hooks: `base_aws` (sessions, clients, connections) and `s3`."""
