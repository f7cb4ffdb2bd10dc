"""Builds the Forge resource for the tests: `npm ci` when needed, then `npm run build`."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORGE = ROOT / "forge"
RESOURCE = FORGE / "static"
INSTALL_SECONDS = 300
RUN_SECONDS = 120


def run_in_forge(*args, timeout=RUN_SECONDS):
    """Run a command in forge/; fail the test with its output when it exits non-zero."""
    done = subprocess.run(args, cwd=FORGE, capture_output=True, text=True, timeout=timeout)
    if done.returncode:
        command = " ".join(str(arg) for arg in args)
        pytest.fail(f"`{command}` exited {done.returncode}:\n{done.stdout}{done.stderr}",
                    pytrace=False)
    return done.stdout


def _installed():
    """Whether forge/node_modules holds what package-lock.json asks for (npm's own record)."""
    record = FORGE / "node_modules" / ".package-lock.json"
    lock = FORGE / "package-lock.json"
    return record.is_file() and record.stat().st_mtime >= lock.stat().st_mtime


def build_forge():
    """Install the pinned packages if they are missing, build forge/static, return npm's output."""
    npm = shutil.which("npm")
    assert npm, "npm is not on PATH"
    if not _installed():
        run_in_forge(npm, "ci", "--no-audit", "--no-fund", timeout=INSTALL_SECONDS)
    return run_in_forge(npm, "run", "build")
