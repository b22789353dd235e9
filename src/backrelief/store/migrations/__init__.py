"""Alembic migrations for the diary database (run by ``backrelief.store.migrate``)."""
