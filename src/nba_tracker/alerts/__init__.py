"""Alert delivery: receivers' addresses checked, each channel's format, the dispatcher."""
