"""Tables as text: Markdown for reports and job summaries, boxes for the terminal."""

from __future__ import annotations

import io

from rich import box
from rich.console import Console
from rich.table import Table


def render_table(columns: list[str], rows: list[list[str]], markdown: bool) -> str:
    """``rows`` under ``columns``, aligned: a Markdown table (which also reads well
    in a terminal), or a plain one with a rule under the header."""
    table = Table(*columns, box=box.MARKDOWN if markdown else box.SIMPLE_HEAD)
    for row in rows:
        table.add_row(*row)
    buffer = io.StringIO()
    Console(file=buffer, width=1000, color_system=None).print(table)
    lines = [line.rstrip() for line in buffer.getvalue().splitlines()]
    return "\n".join(line for line in lines if line) + "\n"
