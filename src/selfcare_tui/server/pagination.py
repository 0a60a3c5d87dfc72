"""Keyset (cursor) pagination: stable under inserts, and as fast on page 1,000 as on page 1."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from selfcare_tui.api.models import ErrorCode, FieldError

from .problems import ApiProblem

T = TypeVar("T")
MAX_LIMIT = 200


def _encode(values: Sequence[Any]) -> str:
    def tag(v: Any) -> list[str]:
        if isinstance(v, dt.datetime):
            return ["t", v.isoformat()]
        if isinstance(v, dt.date):
            return ["d", v.isoformat()]
        return ["s", str(v)]

    raw = json.dumps([tag(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, size: int) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        parsed = json.loads(raw)
        values: list[Any] = []
        for kind, text in parsed:
            if kind == "t":
                values.append(dt.datetime.fromisoformat(text))
            elif kind == "d":
                values.append(dt.date.fromisoformat(text))
            else:
                values.append(str(text))
        if len(values) != size:
            raise ValueError
        return values
    except (ValueError, TypeError):
        raise ApiProblem(
            422,
            ErrorCode.validation_error,
            "The cursor is not one this server issued.",
            errors=[FieldError(field="cursor", code="invalid", message="Unknown cursor.")],
        ) from None


def paginate(
    db: Session,
    query: Select[T],
    keys: Sequence[InstrumentedAttribute[Any]],
    *,
    cursor: str | None,
    limit: int,
    descending: bool = True,
) -> tuple[list[T], str | None]:
    """One page of `query` ordered by `keys` (the last key must be unique), and the next cursor."""
    if cursor:
        after = _decode(cursor, len(keys))
        row_key = tuple_(*keys)
        query = query.where(row_key < tuple_(*after) if descending else row_key > tuple_(*after))
    order = [k.desc() if descending else k.asc() for k in keys]
    rows = list(db.scalars(query.order_by(*order).limit(limit + 1)))
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, _encode([getattr(last, k.key) for k in keys])


def page_of(rows: list[T], to_model: Callable[[T], Any]) -> list[Any]:
    return [to_model(row) for row in rows]
