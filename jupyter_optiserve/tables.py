"""Plain-text tables for terminal output (the CLI, benchmark reports, the magic's text fallback)."""

from __future__ import annotations


def table(rows: list[list], headers: list[str]) -> str:
    cols = [headers, *[[("" if c is None else str(c)) for c in r] for r in rows]]
    widths = [max(len(r[i]) for r in cols) for i in range(len(headers))]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)).rstrip()  # noqa: E731
    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in cols[1:])])
