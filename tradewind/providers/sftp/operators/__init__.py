"""operators of the sftp provider."""
