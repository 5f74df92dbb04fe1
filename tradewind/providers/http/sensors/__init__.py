"""sensors of the http provider."""
