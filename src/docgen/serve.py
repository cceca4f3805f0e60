"""``docgen serve``: the website on 127.0.0.1, rebuilt and reloaded as content and templates change.

The site is built by the ordinary build (:func:`docgen.build.build`, ``--only site`` and the
documents it links to) into a folder of its own, so a preview never touches build/. The server
serves that folder's ``site/``; every HTML page it sends gets one extra element, a same-origin
script (``/__docgen__/live-reload.js``, allowed by the pages' Content-Security-Policy) that listens
on ``/__docgen__/events`` (server-sent events) and reloads the page after each rebuild.
Changes are watched with watchfiles; a build that fails keeps the last good site and prints its
diagnostics, and the next change tries again.
"""

from __future__ import annotations

import contextlib
import http.server
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from docgen.project import ProjectPaths

HOST = "127.0.0.1"
SERVER_PATH = "/__docgen__/"
RELOAD_SCRIPT_PATH = f"{SERVER_PATH}live-reload.js"
EVENTS_PATH = f"{SERVER_PATH}events"
KEEPALIVE_SECONDS = 15.0
WAKE_MS = 200
"""How often the watch looks at ``stop`` when nothing changes."""

RELOAD_SCRIPT = b"""/* docgen serve: reload the page when the site has been rebuilt since it was sent. */
(function () {
  "use strict";
  var sent = new URL(document.currentScript.src).searchParams.get("generation");
  var events = new EventSource("/__docgen__/events");
  events.addEventListener("message", function (event) {
    if (event.data !== sent) { events.close(); window.location.reload(); }
  });
}());
"""


def reload_tag(generation: int) -> bytes:
    """The element added to every page: the script, told which build the page comes from."""
    return f'<script src="{RELOAD_SCRIPT_PATH}?generation={generation}" defer></script>'.encode()


Echo = Callable[[str], None]


@dataclass(slots=True)
class SiteState:
    """The build the server shows: a generation number that each successful rebuild increments."""

    generation: int = 0
    changed: threading.Condition = field(default_factory=threading.Condition)

    def bump(self) -> None:
        with self.changed:
            self.generation += 1
            self.changed.notify_all()

    def wait_past(self, generation: int, timeout: float) -> int:
        """The generation once it differs from ``generation``, or after ``timeout`` seconds."""
        with self.changed:
            self.changed.wait_for(lambda: self.generation != generation, timeout=timeout)
            return self.generation


def build_site(paths: ProjectPaths, out: Path, echo: Echo) -> bool:
    """Build the site (and the documents it links to) into ``out``; print problems; True when it built."""
    from docgen.build import BuildOptions, build

    report = build(paths, BuildOptions(out=out, only=("site",)))
    for line, _colour in report.text_lines(quiet=report.ok):
        echo(line)
    if report.ok:
        echo(f"site built in {report.seconds:.1f} s: {len(report.rendered)} file(s) rendered")
    return report.ok


def make_handler(site: Path, state: SiteState, stop: threading.Event) -> type[http.server.BaseHTTPRequestHandler]:
    """A request handler serving ``site`` with live reload."""
    from docgen.render.site import CONTENT_SECURITY_POLICY

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(site), **kwargs)  # type: ignore[arg-type]

        def log_message(self, format: str, *args: object) -> None:
            del format, args  # quiet: the terminal shows the builds

        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            self.send_header("X-Content-Type-Options", "nosniff")
            super().end_headers()

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path == RELOAD_SCRIPT_PATH:
                self._send(200, "text/javascript; charset=utf-8", RELOAD_SCRIPT)
            elif path == EVENTS_PATH:
                self._events()
            elif path.endswith((".html", "/")):
                self._page(path)
            else:
                super().do_GET()

        def _page(self, path: str) -> None:
            file = Path(self.translate_path(path))
            if file.is_dir():
                file = file / "index.html"
            status = 200
            if not file.is_file():
                file, status = site / "404.html", 404
            html = file.read_bytes() if file.is_file() else b"<!DOCTYPE html><title>404</title>"
            tag = reload_tag(state.generation)
            self._send(status, "text/html; charset=utf-8", html.replace(b"</head>", tag + b"\n</head>", 1))

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            not_found = site / "404.html"
            if code == 404 and not_found.is_file():
                self._send(404, "text/html; charset=utf-8", not_found.read_bytes())
            else:
                super().send_error(code, message, explain)

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.end_headers()
            generation = state.generation
            try:
                self.wfile.write(f"retry: 1000\ndata: {generation}\n\n".encode())
                self.wfile.flush()
                while not stop.is_set():
                    now = state.wait_past(generation, KEEPALIVE_SECONDS)
                    message = f"data: {now}\n\n" if now != generation else ": keep-alive\n\n"
                    generation = now
                    self.wfile.write(message.encode())
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return

    return Handler


@contextlib.contextmanager
def running_server(site: Path, state: SiteState, port: int) -> Iterator[http.server.ThreadingHTTPServer]:
    """An HTTP server for ``site`` on 127.0.0.1:``port`` (0: any free port), in a background thread."""
    stop = threading.Event()
    server = http.server.ThreadingHTTPServer((HOST, port), make_handler(site, state, stop))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="docgen-serve", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        stop.set()
        state.bump()  # wakes the event streams so that they end
        server.shutdown()
        server.server_close()


def watched(paths: ProjectPaths) -> list[Path]:
    """What a rebuild follows: the content and the templates."""
    return [folder for folder in (paths.content, paths.templates) if folder.is_dir()]


def serve(
    paths: ProjectPaths,
    port: int,
    echo: Echo,
    *,
    ready: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Build the site, serve it on 127.0.0.1 and rebuild on changes until Ctrl-C (or ``stop``).

    ``ready`` receives the site's URL once it is being served. Returns the exit code.
    """
    import watchfiles

    stop = stop or threading.Event()
    out = Path(tempfile.mkdtemp(prefix="docgen-serve-"))
    state = SiteState()
    changes_seen = watchfiles.watch(
        *watched(paths), stop_event=stop, raise_interrupt=False, rust_timeout=WAKE_MS, yield_on_timeout=True
    )
    try:
        next(changes_seen, None)  # watching from here on: an edit made while the site builds is built next
        echo(f"building the site into {out} …")
        if not build_site(paths, out, echo):
            echo("the site could not be built; fix the problems above and run docgen serve again")
            return 1
        with running_server(out / "site", state, port) as server:
            url = f"http://{HOST}:{server.server_address[1]}/"
            echo(f"serving {url} (Ctrl-C stops); watching {', '.join(str(p) for p in watched(paths))}")
            if ready is not None:
                ready(url)
            for changes in changes_seen:
                if not changes:
                    continue
                names = sorted({Path(changed).name for _, changed in changes})
                echo(f"changed: {', '.join(names[:5])}{' …' if len(names) > 5 else ''}; rebuilding")
                if build_site(paths, out, echo):
                    state.bump()
        return 0
    finally:
        shutil.rmtree(out, ignore_errors=True)
