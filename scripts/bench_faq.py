"""Benchmark the FAQ: load time and per-question latency over the held-out set (not a test)."""

from __future__ import annotations

import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from dialogs.faq import detect_risk, get_faq  # noqa: E402


def main() -> None:
    """Print how long the FAQ takes to load and to answer each held-out question."""
    started = time.perf_counter()
    book = get_faq()
    load_ms = (time.perf_counter() - started) * 1000
    data = yaml.safe_load((REPO / "tests" / "data" / "faq_eval.yaml").read_text(encoding="utf-8"))
    now = datetime.fromisoformat(data["today"])
    questions = [c["q"] for c in data["in_scope"]] + list(data["out_of_scope"])
    timings: list[float] = []
    for _ in range(5):
        for question in questions:
            started = time.perf_counter()
            book.ask(question, now=now)
            detect_risk(question)
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    print(f"FAQ load (parse and index {len(book.entries)} entries): {load_ms:.1f} ms")
    print(f"questions answered: {len(timings)} ({len(questions)} distinct)")
    print(f"per question (ask + detect_risk): median {statistics.median(timings):.2f} ms,")
    print(f"  95th percentile {timings[int(len(timings) * 0.95)]:.2f} ms, max {timings[-1]:.2f} ms")


if __name__ == "__main__":
    main()
