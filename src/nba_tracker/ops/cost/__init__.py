"""コスト最適化 / Cost (rows 16–20): its AWS calls and its commands (``commands.py``)."""
