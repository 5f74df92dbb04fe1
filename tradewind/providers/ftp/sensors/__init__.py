"""sensors of the ftp provider."""
