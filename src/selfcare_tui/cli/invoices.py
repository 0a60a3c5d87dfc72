"""Commands of the `selfcare` CLI (being written)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
