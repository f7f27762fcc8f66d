"""Schemathesis against the live service's /openapi.json: every operation, every documented
parameter, stateful sequences through the links it infers. No 5xx; every answer conforms."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

KEY = "schemathesis-key"
EXAMPLES = os.environ.get("NEWSDESK_FUZZ_EXAMPLES", "20")


@pytest.mark.timeout(900)
def test_schemathesis_finds_nothing(start_server: Callable[..., str], tmp_path: Path) -> None:
    st = shutil.which("st", path=str(Path(sys.executable).parent))
    assert st, "schemathesis is a dev dependency: `make test` installs it"
    base = start_server(NEWSDESK_API_KEYS=KEY)
    result = subprocess.run(
        [
            # Every check, less those that schemathesis.toml turns off, and says why.
            st, "--config-file", str(Path(__file__).with_name("schemathesis.toml")), "run", f"{base}/openapi.json",
            "--header", f"X-API-Key: {KEY}",
            "--max-examples", EXAMPLES,
            "--workers", "1",
            "--seed", "1",
        ],
        capture_output=True, text=True, cwd=tmp_path, timeout=850,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
