"""Keyset (cursor) pagination: stable under inserts, and as fast on page 1,000 as on page 1.

The cursor is the id of the last item of the page before (as Stripe's `starting_after`), so
its form is in the published schema and any cursor that has that form is a question the
server can answer: continue after this item, or 404 when the list has no such item.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, TypeVar

from fastapi import Query
from sqlalchemy import ColumnElement, Select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from selfcare_tui.api.models import ID_PATTERN, ErrorCode, FieldError

from .i18n import _
from .problems import ApiProblem

T = TypeVar("T")
MAX_LIMIT = 200

Cursor = Annotated[
    str | None,
    Query(
        pattern=ID_PATTERN,
        description="The `next_cursor` of the page before: the id of its last item.",
    ),
]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]


def paginate(
    db: Session,
    scope: Select[T],
    keys: list[InstrumentedAttribute[Any]],
    *,
    filters: Iterable[ColumnElement[bool]] = (),
    cursor: str | None,
    limit: int,
    descending: bool = True,
) -> tuple[list[T], str | None]:
    """One page of the list `scope` (narrowed by `filters`) ordered by `keys`, whose last key
    is the item's unique id, and the cursor of the next page.

    The cursor's item is looked up in the whole list, not only among the filtered items, so a
    page still follows when that item has since left the filter (an invoice paid meanwhile).
    """
    query = scope.where(*filters)
    if cursor is not None:
        after = db.execute(scope.with_only_columns(*keys).where(keys[-1] == cursor)).first()
        if after is None:
            raise ApiProblem(
                404,
                ErrorCode.not_found,
                _("The cursor names no item of this list; start again without it."),
                errors=[FieldError(field="cursor", code="unknown", message=_("No such item."))],
            )
        row_key = tuple_(*keys)
        query = query.where(row_key < tuple_(*after) if descending else row_key > tuple_(*after))
    order = [k.desc() if descending else k.asc() for k in keys]
    rows = list(db.scalars(query.order_by(*order).limit(limit + 1)))
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, str(getattr(rows[-1], keys[-1].key))
