"""hooks of the sftp provider."""
