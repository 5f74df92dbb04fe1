"""AWS triggers (`s3`), run by the triggerer for deferrable sensors."""
