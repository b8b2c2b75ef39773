"""Retrying calls to the Teams connector that failed for a reason that may pass."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from msrest.exceptions import ClientRequestError, HttpOperationError

log = logging.getLogger(__name__)

T = TypeVar("T")
RETRYABLE_STATUS = frozenset({408, 412, 429, 500, 502, 503, 504})


def status_of(exc: BaseException) -> int | None:
    """The HTTP status of a connector error, if it has one."""
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


def is_transient(exc: BaseException) -> bool:
    """True for failures worth trying again: timeouts, lost connections, 429/412/5xx."""
    if isinstance(exc, HttpOperationError):
        return status_of(exc) in RETRYABLE_STATUS
    return isinstance(exc, ClientRequestError | ConnectionError | TimeoutError)


def describe(exc: BaseException) -> str:
    """A log-safe description: the error type and status, never a response body."""
    status = status_of(exc)
    return f"{type(exc).__name__}" + (f" (HTTP {status})" if status else "")


def backoff_delay(attempt: int, base: float = 0.5, cap: float = 30.0) -> float:
    """Exponential backoff with full jitter for the given attempt (1-based)."""
    return random.uniform(0, min(cap, base * 2 ** (attempt - 1)))


async def with_retries(
    call: Callable[[], Awaitable[T]], *, attempts: int = 4, base_delay: float = 0.5
) -> T:
    """Await `call()`, retrying transient failures with exponential backoff and jitter."""
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except Exception as exc:
            if attempt == attempts or not is_transient(exc):
                raise
            delay = backoff_delay(attempt, base_delay)
            log.warning(
                "connector call failed: %s; retry %d in %.2fs", describe(exc), attempt, delay
            )
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")
