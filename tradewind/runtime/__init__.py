"""Runs one task instance: its context, templates, XCom, logs, timeout and final state."""
