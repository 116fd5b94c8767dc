"""セキュリティ運用 / Security (rows 21–22): its AWS calls and its commands (``commands.py``)."""
