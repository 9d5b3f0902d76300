"""Outcomes: recording what people try (``recording``) and reporting it to editors (``reports``)."""
