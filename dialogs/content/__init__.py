"""The service's wording and facts, as YAML files the service can edit without a code change."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

CONTENT_DIR = Path(__file__).resolve().parent


@cache
def load_content(name: str) -> dict[str, Any]:
    """Load `dialogs/content/<name>.yaml` once per process."""
    with (CONTENT_DIR / f"{name}.yaml").open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    if not isinstance(data, dict):
        raise ValueError(f"content file {name}.yaml must hold a mapping")
    return data


def service_facts() -> dict[str, Any]:
    """Contacts and safeguarding numbers shared by every conversation."""
    return load_content("service")
