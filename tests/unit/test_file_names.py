"""Downloaded documents are named by one function, whatever names the server sends."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from selfcare_tui.core.file_names import document_file_name

DAY = dt.date(2026, 11, 5)


def test_a_document_is_named_account_number_and_date() -> None:
    assert document_file_name("1000000001", "INV1", DAY) == "1000000001_INV1_2026-11-05.pdf"
    assert document_file_name("INV1", DAY) == "INV1_2026-11-05.pdf"


@pytest.mark.parametrize(
    "number",
    [
        "../../etc/passwd",
        "/etc/passwd",
        "..",
        ".hidden",
        "..\\..\\windows",
        "a/../../b",
        "",
        "*?[x]$(rm -rf ~)",
        "счёт\x00№1",
        "9" * 1000,
    ],
)
def test_hostile_names_stay_inside_the_chosen_folder(tmp_path: Path, number: str) -> None:
    name = document_file_name("../x", number, DAY)
    assert set(name) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
    assert not name.startswith(".") and name.endswith("_2026-11-05.pdf")
    assert len(name.encode()) < 255
    path = (tmp_path / name).resolve()
    assert path.parent == tmp_path.resolve()
    path.write_bytes(b"%PDF-")  # a name the file system takes as it is
    assert [p.name for p in tmp_path.iterdir()] == [name]
