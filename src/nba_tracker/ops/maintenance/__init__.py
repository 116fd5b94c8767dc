"""メンテナンス作業 / Maintenance (rows 23–24): its AWS calls and its commands (``commands.py``)."""
