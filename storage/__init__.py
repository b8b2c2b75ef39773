"""Persistence: SQLAlchemy models, repositories, migrations and encryption of personal fields."""
