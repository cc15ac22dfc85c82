"""The project's PostgreSQL backend: Django's, with a pool check that waits for nothing."""
