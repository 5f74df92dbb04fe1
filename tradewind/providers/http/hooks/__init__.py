"""hooks of the http provider."""
