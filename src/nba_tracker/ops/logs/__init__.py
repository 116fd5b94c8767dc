"""ログ管理 / Logs (rows 4–5): its AWS calls and its commands (``commands.py``)."""
