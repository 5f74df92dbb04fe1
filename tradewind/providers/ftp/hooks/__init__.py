"""hooks of the ftp provider."""
