"""Helpers shared by the AWS operators and sensors."""
