"""緊急時の対応 / Emergency (rows 14–15): its AWS calls and its commands (``commands.py``)."""
