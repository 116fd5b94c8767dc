"""日本語版の用語 / Japanese edition terminology: its AWS calls and its commands (``commands.py``)."""
