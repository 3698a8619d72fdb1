"""Database backend for the embedded PostgreSQL (used when DATABASE_URL is not set)."""
