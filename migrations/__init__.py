"""Data package: the Alembic environment and revisions, shipped in the wheel as casework.migrations."""
