"""One module per page (or family of pages) of the web UI."""
