"""operators of the ftp provider."""
