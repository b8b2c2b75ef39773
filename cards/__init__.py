"""Adaptive Card 1.5 builders returning plain dicts; they import nothing of ours but plain data."""
