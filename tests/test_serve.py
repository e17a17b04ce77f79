"""`casedocs serve` (issue 20): the site served on 127.0.0.1, built again on a save, its open
pages told to reload; the reload script only in what is served, never in the files."""

from __future__ import annotations

import io
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from casedocs.build.runner import BuildRequest
from casedocs.build.serve import RELOAD_SCRIPT, VERSION_PATH, serve
from conftest import write_case_file


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 (our own server)
        return answer.read()


def _until(condition, seconds: float = 30) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.fixture
def served(tmp_path: Path):  # noqa: ANN201
    case = write_case_file(tmp_path / "cases")
    out = tmp_path / "site"
    request = BuildRequest(out_dir=out, site=True, jobs=1)
    stop = threading.Event()
    addresses: list[str] = []
    said = io.StringIO()
    result: list[int] = []
    thread = threading.Thread(
        target=lambda: result.append(serve([case.parent], request, 0, out=said, err=said,
                                           stop=stop, announce=addresses.append)))
    thread.start()
    _until(lambda: addresses or not thread.is_alive())
    assert addresses, said.getvalue()
    yield addresses[0], case, out
    stop.set()
    thread.join(30)
    assert result == [0]


def test_the_site_is_served_on_this_machine_with_a_reload_script(served) -> None:
    address, _, out = served
    assert address.startswith("http://127.0.0.1:")
    page = _get(address)  # the folder's index.html
    assert b"Chest Case 17" in page and RELOAD_SCRIPT.encode() in page
    written = (out / "index.html").read_bytes()
    assert RELOAD_SCRIPT.encode() not in written and b"__casedocs" not in written
    assert _get(address + "pages/case-17.html").count(b"__casedocs/version") == 1
    assert _get(address + "assets/site.css") == (out / "assets" / "site.css").read_bytes()


def test_a_save_builds_again_and_the_pages_are_told(served) -> None:
    address, case, out = served
    before = int(_get(address + VERSION_PATH[1:]))
    case.write_text(case.read_text().replace("Chest Case", "Thorax Case"), encoding="utf-8")
    _until(lambda: int(_get(address + VERSION_PATH[1:])) > before)
    _until(lambda: b"Thorax Case 17" in _get(address))


def test_it_stops_and_frees_its_port(tmp_path: Path) -> None:
    case = write_case_file(tmp_path)
    stop = threading.Event()
    addresses: list[str] = []
    thread = threading.Thread(target=serve, args=([case], BuildRequest(
        out_dir=tmp_path / "site", site=True, jobs=1), 0),
        kwargs={"out": io.StringIO(), "err": io.StringIO(), "stop": stop,
                "announce": addresses.append})
    thread.start()
    _until(lambda: addresses)
    stop.set()
    thread.join(30)
    assert not thread.is_alive()
    with pytest.raises(urllib.error.URLError):
        _get(addresses[0])
