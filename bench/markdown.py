"""Where the bench commands write their tables: each between its own markers in
docs/benchmarks.md, the rest of the file being prose written by people."""

import os
import re
from pathlib import Path


def machine() -> str:
    """The machine, as a table's caption names it: "2 CPUs (AMD EPYC …)"."""
    model = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    return f"{os.cpu_count()} CPUs ({model.group(1) if model else 'unknown'})"


def write_between_markers(path: Path, name: str, text: str) -> None:
    """Replace what stands between ``name``'s markers in ``path`` with ``text`` (the
    markers are added at the end the first time)."""
    start = f"<!-- {name}: written by manage.py {name} -->"
    end = f"<!-- /{name} -->"
    page = path.read_text() if path.exists() else "# Benchmarks\n"
    if start not in page:
        page = page.rstrip("\n") + f"\n\n{start}\n{end}\n"
    before, rest = page.split(start, 1)
    _old, after = rest.split(end, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{before}{start}\n{text}\n{end}{after}")
