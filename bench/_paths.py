"""Import this first in every bench script: it puts the checkout, not bench/,
on ``sys.path``.

Run as a script, a bench file's folder is ``sys.path[0]``, and
``bench/ingest.py`` would then hide the ``ingest`` package; the checkout is
added so the benches run when the project is not installed.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
if not any(Path(p or ".").resolve() == ROOT for p in sys.path):
    sys.path.insert(0, str(ROOT))
