"""Persistence: engine/session, models, migrations, reference data, reads and writes."""
