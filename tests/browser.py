"""A live server and Debian's headless Chromium, for the browser tests and `make screenshots`.

Selenium is given /usr/bin/chromedriver and /usr/bin/chromium, so it never looks for or
downloads a browser of its own. Run as `python -m tests.browser DIR` it serves a fresh
database with the seed article and writes screenshots of the four pages to DIR."""

from __future__ import annotations

import os
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from app import migrate
from app.config import Settings
from app.db import make_engine
from app.extraction import InProcess
from app.main import create_app
from app.nlp.pipeline import Extractor

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}


def browser_skip_reason() -> str | None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        return f"no {' or '.join(missing)}: apt-get install chromium chromium-driver (.ci/run does)"
    return None


@contextmanager
def live_server(database_url: str, extractor: Extractor | None = None) -> Iterator[str]:
    """The app on a free loopback port, in a thread, on a migrated database."""
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    engine.dispose()
    app = create_app(Settings(database_url=database_url, api_keys=""),
                     extractor=InProcess(extractor) if extractor is not None else None)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def chrome(size: str = "desktop") -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not fetch anything
    width, height = SIZES[size]
    options = Options()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}", "--hide-scrollbars"):
        options.add_argument(arg)
    return webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))


def ingest_seed(base: str, seed: Path) -> dict[str, Any]:
    import httpx

    r = httpx.post(f"{base}/articles", content=seed.read_bytes(),
                   headers={"content-type": "text/plain; charset=utf-8"}, timeout=120)
    r.raise_for_status()
    return r.json()  # type: ignore[no-any-return]


def main(out: Path, seed: Path) -> None:
    if reason := browser_skip_reason():
        sys.exit(reason)
    out.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp())
    try:
        with live_server(f"sqlite:///{workdir / 'screens.db'}") as base:
            article = ingest_seed(base, seed)
            speaker = next(q["speaker"]["entity_id"] for q in article["quotes"]
                           if q["speaker"] and q["speaker"]["entity_id"])
            pages = {"home": "/", "article": f"/read/articles/{article['id']}",
                     "person": f"/read/entities/{speaker}", "quotes": "/read/quotes?q=Azerbaijan"}
            for size in SIZES:
                driver = chrome(size)
                try:
                    for name, path in pages.items():
                        driver.get(base + path)
                        height = driver.execute_script("return document.documentElement.scrollHeight")
                        driver.set_window_size(SIZES[size][0], min(max(height, SIZES[size][1]), 4000))
                        driver.save_screenshot(str(out / f"{name}-{size}.png"))
                        driver.set_window_size(*SIZES[size])
                finally:
                    driver.quit()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"screenshots in {out}/")


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[1]
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else root / "screenshots",
         root.parent / "shared" / "eval" / "seed" / "azerbaijan-us-ties.txt")
