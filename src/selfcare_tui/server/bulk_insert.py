"""Bulk inserts of plain row dicts, bypassing the ORM: inserting is most of what seeding costs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from functools import partial
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Connection, Dialect, Table, insert
from sqlalchemy.types import TypeEngine

from . import tables

Row = dict[str, Any]


def core_table(model: type[tables.Base]) -> Table:
    """The plain Core table: its inserts skip the ORM's per-row bookkeeping, 2-3 times faster."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


_Convert = Callable[[list[Any]], list[Any]]


class BulkInsert:
    """An INSERT fed through the dialect's own bind processors, column by column.

    The stored values are those ``session.execute(insert(table), rows)`` writes, but without
    SQLAlchemy's per-row parameter handling, and values that many rows share (month-end dates,
    a place's address, a price's lines) are converted once: inserting is most of what seeding
    costs. Rows must give every column: Python-side column defaults are not applied.
    """

    def __init__(self, table: Table, keys: list[str], dialect: Dialect) -> None:
        compiled = insert(table).compile(dialect=dialect, column_keys=keys)
        self.sql = str(compiled)
        self.positional = compiled.positional
        binds = [compiled.binds[name] for name in compiled.positiontup or keys]
        self.keys = [bind.key for bind in binds]
        self.converters = [_converter(bind.type, dialect) for bind in binds]

    def execute(self, connection: Connection, rows: Sequence[Row]) -> None:
        columns = []
        for key, convert in zip(self.keys, self.converters, strict=True):
            values = list(map(itemgetter(key), rows))
            columns.append(values if convert is None else convert(values))
        if self.positional:
            connection.exec_driver_sql(self.sql, list(zip(*columns, strict=True)))
        else:
            named = [
                dict(zip(self.keys, values, strict=True)) for values in zip(*columns, strict=True)
            ]
            connection.exec_driver_sql(self.sql, named)


def _converter(type_: TypeEngine[Any], dialect: Dialect) -> _Convert | None:
    process = type_.dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return None
    if isinstance(type_, JSON):
        return partial(_convert_by_identity, process)
    if type_.python_type in (dt.date, dt.datetime):
        return partial(_convert_by_value, process)
    return partial(_convert_each, process)


def _convert_each(process: Callable[[Any], Any], values: list[Any]) -> list[Any]:
    return list(map(process, values))


def _convert_by_value(process: Callable[[Any], Any], values: list[Any]) -> list[Any]:
    converted = {value: process(value) for value in set(values)}
    return list(map(converted.__getitem__, values))


def _convert_by_identity(process: Callable[[Any], Any], values: list[Any]) -> list[Any]:
    """For unhashable values; the rows keep each one alive, so its id stays its own."""
    distinct = {id(value): value for value in values}
    converted = {key: process(value) for key, value in distinct.items()}
    return [converted[id(value)] for value in values]
