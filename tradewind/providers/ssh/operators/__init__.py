"""operators of the ssh provider."""
