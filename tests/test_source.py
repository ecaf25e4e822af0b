"""The source has no name it never defined and imports nothing it never uses: pyflakes' checks
(ruff's F rules) over every Python file. A producer of a live chart once named a variable that had
left its scope; the page raised NameError only with an image data set, where no other test looked."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ["descentlab", "app_pages", "tests", "bench", "app.py", "server.py"]


def test_no_undefined_names_or_unused_imports():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.fail("ruff is not installed: pip install -e '.[test]'")
    done = subprocess.run([ruff, "check", "--no-cache", "--select", "F", "--output-format", "concise", *SOURCES],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
