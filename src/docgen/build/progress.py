"""The progress bar of ``docgen build`` on a terminal (rich, imported only when a build renders)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID


class TerminalProgress:
    """A progress bar on stderr: outputs decided so far, the last one rendered, elapsed time."""

    def __init__(self) -> None:
        self._bar: RichProgress | None = None
        self._task: TaskID | None = None

    def start(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
        from rich.table import Column

        last_output = Column(no_wrap=True, overflow="ellipsis", max_width=40)
        self._bar = Progress(
            TextColumn("[bold]docgen build"),
            BarColumn(bar_width=24),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}", style="dim", table_column=last_output),
            console=Console(stderr=True),
            transient=True,
        )
        self._bar.start()
        self._task = self._bar.add_task("", total=total)

    def advance(self, path: str, state: str) -> None:
        if self._bar is not None and self._task is not None:
            description = f"{state} {path}" if state != "unchanged" else ""
            self._bar.update(self._task, advance=1, description=description if description else None)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
