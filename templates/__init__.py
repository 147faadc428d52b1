"""Data package: the Jinja templates (web pages and mail), shipped in the wheel as casework.templates."""
