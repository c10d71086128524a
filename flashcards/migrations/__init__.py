"""Alembic migrations of the review store (run by `flashcards.store.Store` when needed)."""
