"""スケーリング / Scaling (rows 9–10): its AWS calls and its commands (``commands.py``)."""
