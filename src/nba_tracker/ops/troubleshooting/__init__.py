"""トラブルシューティング / Troubleshooting (rows 11–13): its AWS calls and its commands (``commands.py``)."""
