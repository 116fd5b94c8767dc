"""監視とアラート / Monitoring and alerts (guide rows 1–3): its AWS calls and its commands (``commands.py``)."""
