"""Runs the JavaScript unit tests (node's built-in runner over tests/js/)."""

import os
import shutil
import signal
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_SECONDS = 120


def test_node_unit_tests_pass():
    """Every tests/js/*.test.mjs file passes under `node --test`."""
    node = shutil.which("node")
    assert node, "node is not on PATH"
    # node --test runs each file in a child process; its own session lets a timeout end
    # them all, not just the runner.
    with subprocess.Popen(
        [node, "--test", "tests/js/"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    ) as runner:
        try:
            output, _ = runner.communicate(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(runner.pid, signal.SIGKILL)
            output, _ = runner.communicate()
            output += f"\nnode --test did not finish within {TIMEOUT_SECONDS}s"
    assert runner.returncode == 0, output
