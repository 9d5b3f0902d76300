"""Django's PostgreSQL backend, checking a kept connection between requests without a query.

Named as ``DATABASES``' ``ENGINE`` in the settings when ``DATABASE_URL`` is a PostgreSQL one.
"""
