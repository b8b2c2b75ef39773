"""The published JSON schemas the project's output is checked against.

They live beside the project in ../shared/schemas (or the folder named by VIG_SCHEMA_DIR) and are
never copied in. A missing folder is a failure, not a skip: otherwise nothing would be checked.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

REPO_ROOT = Path(__file__).resolve().parent.parent


def schema_dir() -> Path:
    """The folder holding the shared schemas; raises if it is missing."""
    folder = Path(os.environ.get("VIG_SCHEMA_DIR") or REPO_ROOT.parent / "shared" / "schemas")
    if not folder.is_dir():
        raise FileNotFoundError(
            f"schema folder {folder} is missing: set VIG_SCHEMA_DIR to ../shared/schemas"
        )
    return folder


@cache
def _load(relative: str) -> dict[str, Any]:
    with (schema_dir() / relative).open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def card_validator() -> jsonschema.Draft6Validator:
    """A validator for Adaptive Cards 1.5 (draft-06)."""
    return jsonschema.Draft6Validator(_load("adaptivecards-1.5.0/adaptive-card.json"))


def manifest_validator() -> jsonschema.Draft4Validator:
    """A validator for the Teams app manifest, schema 1.29 (draft-04)."""
    return jsonschema.Draft4Validator(_load("teams-manifest-1.29/MicrosoftTeams.schema.json"))


def _inputs(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if str(node.get("type", "")).startswith("Input."):
            found.append(node)
        for value in node.values():
            found.extend(_inputs(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_inputs(item))
    return found


def card_problems(card: dict[str, Any]) -> list[str]:
    """Everything wrong with a card: schema errors, unlabelled inputs, required inputs
    without an error message, and a version Teams does not render."""
    problems = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in card_validator().iter_errors(card)
    ]
    if card.get("type") != "AdaptiveCard":
        problems.append("not an AdaptiveCard")
    if card.get("version") not in ("1.0", "1.1", "1.2", "1.3", "1.4", "1.5"):
        problems.append(f"version {card.get('version')!r} is not rendered by Teams")
    for field in _inputs(card):
        if not field.get("label"):
            problems.append(f"input {field.get('id')!r} has no label")
        if field.get("isRequired") and not field.get("errorMessage"):
            problems.append(f"required input {field.get('id')!r} has no errorMessage")
    return problems
