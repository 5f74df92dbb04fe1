"""operators of the http provider."""
