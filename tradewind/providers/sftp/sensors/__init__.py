"""sensors of the sftp provider."""
