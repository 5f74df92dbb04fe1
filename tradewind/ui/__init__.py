"""The web UI: server-rendered Jinja2 pages, a little JavaScript, every asset vendored under static/."""
