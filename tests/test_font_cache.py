"""Chinese plots after a CJK font was installed behind matplotlib's back.

The README's order — ``make demo``, then ``make test`` — draws a plot (so
matplotlib writes its font cache) before ``make test`` installs
``fonts-noto-cjk``; matplotlib then keeps listing the fonts it found the
first time, and a ``--lang zh`` plot failed with "Chinese labels need a CJK
font" although the font was on disk.  The test replays that order in a
clean ``HOME`` and ``MPLCONFIGDIR``, with real processes and matplotlib's
own cache file:

1. a first process imports matplotlib, which writes its font cache there;
   the CJK faces are taken out of that file, leaving the cache matplotlib
   writes on a machine without a CJK font (hiding the font files themselves
   would need root and a mount namespace);
2. a second process shows that matplotlib reads that cache as it is (no CJK
   family listed: the font is on disk, the cache does not know it);
3. ``councilkg analyze coalitions --plot coalitions.svg --lang zh``, the
   README's command, draws the Chinese labels with Noto CJK.

Skipped (failed under ``make test``) where no Noto CJK file is installed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from councilkg.analytics import plot as aplot
from tests.conftest import system_package_missing

ROOT = Path(__file__).resolve().parents[1]
CACHE_FILES = "fontlist-*.json"  # matplotlib's font cache, in MPLCONFIGDIR


def noto_cjk_files() -> list[str]:
    """The Noto CJK font files on this machine (``fonts-noto-cjk``)."""
    from matplotlib import font_manager

    return sorted(
        p for p in font_manager.findSystemFonts() if re.search(r"noto\w*cjk", Path(p).name.lower())
    )


def is_cjk_family(name: str) -> bool:
    return "CJK" in name or name in aplot.CJK_PREFERRED


def python(
    code_or_args: list[str], env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *code_or_args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
    )


@pytest.fixture()
def first_run_env(tmp_path: Path) -> dict[str, str]:
    """A clean home and matplotlib folder, as on a machine's first run."""
    home, mpl = tmp_path / "home", tmp_path / "mpl"
    home.mkdir()
    mpl.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MPL", "XDG_"))}
    return {**env, "HOME": str(home), "MPLCONFIGDIR": str(mpl), "PYTHONPATH": str(ROOT)}


def test_a_cjk_font_installed_after_matplotlibs_cache_draws_chinese_labels(
    first_run_env: dict[str, str], sample_store_path: Path, tmp_path: Path
) -> None:
    if not noto_cjk_files():
        system_package_missing("no Noto CJK font file on this machine")
    mpl = Path(first_run_env["MPLCONFIGDIR"])

    # 1. the first run writes matplotlib's cache; as before the font was installed
    built = python(["-c", "import matplotlib.font_manager"], first_run_env, tmp_path)
    assert built.returncode == 0, built.stderr
    (cache,) = mpl.glob(CACHE_FILES)
    data = json.loads(cache.read_text(encoding="utf-8"))
    before = len(data["ttflist"])
    data["ttflist"] = [f for f in data["ttflist"] if not is_cjk_family(f["name"])]
    assert 0 < len(data["ttflist"]) < before  # it listed Noto CJK: now it does not
    cache.write_text(json.dumps(data), encoding="utf-8")

    # 2. matplotlib reads that cache as it is: the font is on disk, not in its list
    listed = python(
        [
            "-c",
            "from matplotlib import font_manager as fm; "
            "print(sorted({f.name for f in fm.fontManager.ttflist if 'CJK' in f.name}))",
        ],
        first_run_env,
        tmp_path,
    )
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.strip() == "[]"
    assert list(mpl.glob(CACHE_FILES)) == [cache]

    # 3. the README's command draws the Chinese labels with Noto CJK
    svg = tmp_path / "coalitions.svg"
    argv = ["analyze", "coalitions", "--store", str(sample_store_path), "--plot", str(svg)]
    drawn = python(["-m", "councilkg", *argv, "--lang", "zh"], first_run_env, tmp_path)
    assert drawn.returncode == 0, drawn.stderr
    assert drawn.stderr == ""
    font = re.search(
        r"^plot: .*coalitions\.svg \(font: (Noto (Sans|Serif) CJK \w+)\)$", drawn.stdout, re.M
    )
    assert font, drawn.stdout
    text = svg.read_text(encoding="utf-8")
    assert re.search(r'<path id="NotoS(ans|erif)CJK\w*-[A-Za-z]+-[0-9a-f]+"', text), "no CJK glyphs"
