"""バックアップとリストア / Backup and restore (rows 6–8): its AWS calls and its commands (``commands.py``)."""
