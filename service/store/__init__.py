"""Storage: the database schema and engine (``db.py``), its Alembic migrations, and one store
per kind of record (documents, translations, glossaries, API keys)."""
