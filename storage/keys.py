"""Stable, non-reversible keys for ids that must not appear in the clear (logs, indexes)."""

from __future__ import annotations

import hashlib


def hash_id(value: str, purpose: str = "id") -> str:
    """A hex SHA-256 of `value`, namespaced by `purpose` so keys of different kinds never match."""
    return hashlib.sha256(f"vig:{purpose}:{value}".encode()).hexdigest()


def short_hash(value: str) -> str:
    """A short hash for log lines."""
    return hash_id(value, "log")[:12]
