"""Telling people what happened: email over SMTP (`email`), alerts when a task fails or retries (`task_mail`)."""
