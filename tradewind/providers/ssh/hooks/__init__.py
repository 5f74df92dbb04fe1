"""hooks of the ssh provider."""
