"""Sample feeds for ``nba-tracker serve --demo``."""
