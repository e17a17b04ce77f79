"""`casedocs serve`: the site built, served on this machine, and built again on every save.

As `quarto preview` and `mkdocs serve` do: the site's folder is served on 127.0.0.1 only
(nobody else on the network sees the cases), every save rebuilds what it touches (the watch
of build/watch.py), and an open page reloads itself when a build has finished. The reload is
a small script added to each page as it is served, never to the files written: a published
site has none. Nothing opens by itself unless asked (`--open`). Ctrl-C stops it cleanly.
"""

from __future__ import annotations

import http.server
import threading
import webbrowser
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TextIO

from casedocs.build.runner import BuildRequest
from casedocs.build.watch import Event, watch
from casedocs.errors import UserError

HOST = "127.0.0.1"  # this machine only
VERSION_PATH = "/__casedocs/version"  # how many builds have finished: a page polls it
RELOAD_SCRIPT = f"""<script>
/* casedocs serve: reload when a build has finished (added as served; not in the site). */
(() => {{
  let seen = null;
  setInterval(async () => {{
    try {{
      const answer = await fetch("{VERSION_PATH}", {{ cache: "no-store" }});
      const version = await answer.text();
      if (seen !== null && version !== seen) location.reload();
      seen = version;
    }} catch (stopped) {{ /* the server is gone: nothing to reload from */ }}
  }}, 1000);
}})();
</script>
"""


class _Builds:
    """How many builds have finished; read by the pages' polling, from the server's threads."""

    def __init__(self) -> None:
        self._count = 0
        self._lock = threading.Lock()

    def finished(self) -> None:
        with self._lock:
            self._count += 1

    @property
    def count(self) -> int:
        with self._lock:
            return self._count


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Files of the site's folder; its pages with the reload script; the build count."""

    builds: _Builds

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == VERSION_PATH:
            self._send(str(self.builds.count).encode(), "text/plain; charset=utf-8")
            return
        file = Path(self.translate_path(path))
        if file.is_dir():
            file = file / "index.html"
        if file.suffix == ".html" and file.is_file():
            page = file.read_bytes()
            page = page.replace(b"</body>", RELOAD_SCRIPT.encode() + b"</body>", 1)
            self._send(page, "text/html; charset=utf-8")
            return
        super().do_GET()

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (its name)
        pass  # the terminal shows what was built, not every request


def serve(
    paths: list[Path],
    request: BuildRequest,
    port: int = 8000,
    open_browser: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
    stop: Event | None = None,
    announce: Callable[[str], None] | None = None,
    asked_again: Callable[[], BuildRequest] | None = None,
) -> int:
    """Serve the site of `paths` built with `request` (a site build) until Ctrl-C (status
    128 + the signal) or `stop` (status 0); `announce` is told the address once serving;
    `asked_again`, as for a watch (the site's folder stays the one served)."""
    builds = _Builds()
    request.out_dir.mkdir(parents=True, exist_ok=True)
    handler = partial(type("Handler", (_Handler,), {"builds": builds}),
                      directory=str(request.out_dir))
    try:
        server = http.server.ThreadingHTTPServer((HOST, port), handler)
    except OSError as error:
        raise UserError(f"cannot serve on {HOST}:{port} ({error.strerror}); choose another "
                        "with --port") from None
    address = f"http://{HOST}:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, name="casedocs serve", daemon=True)
    thread.start()
    first = [True]

    def built() -> None:
        builds.finished()
        if first[0]:
            first[0] = False
            print(f"serving {address} (this machine only); pages reload after each build",
                  file=out, flush=True)
            if announce:
                announce(address)
            if open_browser:
                webbrowser.open(address)

    try:
        return watch(paths, request, with_conference_cases=True, out=out, err=err, stop=stop,
                     built=built, asked_again=asked_again)
    finally:
        server.shutdown()
        server.server_close()
