"""The developer commands behind scripts/dev.py, one module per concern."""
