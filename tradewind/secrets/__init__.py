"""Secrets handling: encryption at rest (`fernet`) and redaction of known secrets from output (`masker`)."""
