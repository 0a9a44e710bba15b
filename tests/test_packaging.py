"""The wheel: what it ships, and that a non-editable install works on its own.

Why: in a source checkout ``councilkg.resources`` finds the ontology, shapes,
queries and the sample in the top-level folders, so every other test passes
even when the wheel is missing them.  Here the wheel is built (no network, no
build isolation: ``hatchling`` is a dev dependency), installed with
``pip install --target`` into a temporary folder, and exercised from a
subprocess that cannot see the checkout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from councilkg.resources import KINDS
from councilkg.store import GraphStore

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
# Source folder -> where the wheel holds it (ingest/ is the package councilkg.ingest).
PACKAGES = {"ingest": "councilkg/ingest", "councilkg": "councilkg"}
# Top-level folder -> kind under councilkg/_resources/ (pyproject's force-include).
ARTEFACTS = {
    "ontology": "ontology",
    "shapes": "shapes",
    "queries": "queries",
    "samples": "data/samples",
}
REQUIRED = (
    "councilkg/_resources/ontology/councilkg.ttl",
    "councilkg/_resources/samples/000_e9c79a4311407cd1.txt",
    "councilkg/_resources/ontology/context.jsonld",
    "councilkg/_resources/queries/pages/labels.rq",
    "councilkg/_resources/queries/ld/describe.rq",
    "councilkg/_resources/queries/void/totals.rq",
    "councilkg/web/templates/base.html",
    "councilkg/web/static/site.css",
    "councilkg/web/static/vendor/yasqe/yasqe.min.js",
    "councilkg/web/strings.toml",
    "councilkg/ingest/lang/zh/lexicon.toml",
    "councilkg/ingest/data/states.csv",
    "councilkg/ingest/py.typed",
    "councilkg/py.typed",
)
SEED = "000_e9c79a4311407cd1.txt"


def _files(folder: Path) -> list[Path]:
    """Files hatchling would ship from ``folder`` (no caches, no hidden files)."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and not p.name.startswith(".")
        and p.suffix != ".pyc"
    )


def _run(
    cmd: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        cmd, capture_output=True, text=True, timeout=120, check=False, env=env, cwd=cwd
    )
    assert proc.returncode == 0, f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from the checkout without build isolation."""
    try:
        import hatchling  # noqa: F401
    except ImportError:  # pragma: no cover - a venv built before the dev dependency
        pytest.fail("hatchling is not installed: `pip install -c constraints.txt -e '.[dev]'`")
    out = tmp_path_factory.mktemp("dist")
    _run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ]
    )
    wheels = sorted(out.glob("councilkg-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def names(wheel: Path) -> set[str]:
    """The member names of the wheel."""
    with zipfile.ZipFile(wheel) as zf:
        return set(zf.namelist())


@pytest.fixture(scope="module")
def site(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A non-editable install of the wheel (no dependencies: they are in the venv)."""
    target = tmp_path_factory.mktemp("install") / "site"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "--no-compile",
            "--disable-pip-version-check",
            "--target",
            str(target),
            str(wheel),
        ]
    )
    return target


# Runs in a subprocess with PYTHONPATH=<site> and cwd=<tmp>.  The editable
# install of the venv puts the checkout on sys.path through a .pth file (after
# PYTHONPATH, but still there), so the checkout is removed first: a module or
# file missing from the wheel must then fail instead of being found there.
PROBE = """
import json, os, sys
root = os.path.realpath(os.environ["CKG_CHECKOUT"])
sys.path[:] = [p for p in sys.path if os.path.realpath(p or os.getcwd()) != root]

import importlib.util
import councilkg, councilkg.ingest
import councilkg.resources as r
from councilkg.ingest.lexicon import load_lexicon
from councilkg.ingest.pipeline import ingest_file

out = {
    "councilkg": councilkg.__file__,
    "councilkg.ingest": councilkg.ingest.__file__,
    "top-level ingest": importlib.util.find_spec("ingest") is not None,
    "dirs": {},
    "files": {},
}
for kind in r.KINDS:
    try:
        out["dirs"][kind] = str(r.resource_dir(kind))
        out["files"][kind] = [f.name for f in r.resource_files(kind)]
    except (FileNotFoundError, KeyError) as exc:
        out["dirs"][kind] = None
        out["files"][kind] = repr(exc)
out["lexicon"] = load_lexicon("zh").language
sample = r.sample_path()
out["sample"] = str(sample)
result = ingest_file(sample)
out["records"] = len(result.records)
out["coverage"] = result.coverage.share
out["ontology_chars"] = len(r.ontology_text())
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def installed(site: Path) -> dict[str, object]:
    """What the installed copy reports about itself (see ``PROBE``)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONHOME", "PYTHONSAFEPATH")}
    env["PYTHONPATH"] = str(site)
    env["CKG_CHECKOUT"] = str(ROOT)
    # The brief's one-liner, verbatim, first.
    first = _run(
        [
            sys.executable,
            "-c",
            "import councilkg.resources as r; print(r.resource_dir('ontology'))",
        ],
        env=env,
        cwd=site.parent,
    )
    assert Path(first.stdout.strip()).resolve().is_relative_to(site.resolve()), first.stdout
    proc = _run([sys.executable, "-c", PROBE], env=env, cwd=site.parent)
    data: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return data


def test_wheel_contains_required_files(names: set[str]) -> None:
    missing = [n for n in REQUIRED if n not in names]
    assert not missing, f"missing from the wheel: {missing}"


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_wheel_contains_every_package_file(names: set[str], package: str) -> None:
    """Code and package data (lexicons, tables, py.typed) all ship."""
    folder = ROOT / package
    expected = {f"{PACKAGES[package]}/{p.relative_to(folder).as_posix()}" for p in _files(folder)}
    assert expected, package
    missing = sorted(expected - names)
    assert not missing, f"missing from the wheel: {missing}"


@pytest.mark.parametrize("kind", sorted(ARTEFACTS))
def test_wheel_contains_every_artefact(names: set[str], kind: str) -> None:
    """Each file of ontology/, shapes/, queries/, data/samples/ is packaged."""
    folder = ROOT / ARTEFACTS[kind]
    files = _files(folder) if folder.is_dir() else []
    if not files:
        pytest.skip(
            f"{ARTEFACTS[kind]}/ has no files: hatchling drops an empty folder from the "
            "wheel (and fails to build when it is absent, as in a fresh clone)"
        )
    expected = {f"councilkg/_resources/{kind}/{p.relative_to(folder).as_posix()}" for p in files}
    missing = sorted(expected - names)
    assert not missing, f"missing from the wheel: {missing}"


def test_wheel_installs_one_top_level_package(names: set[str]) -> None:
    """Nothing lands in site-packages under a name another project could own."""
    top = {n.split("/", 1)[0] for n in names}
    info = {t for t in top if t.startswith("councilkg-") and t.endswith(".dist-info")}
    assert len(info) == 1, sorted(top)
    assert top - info == {"councilkg"}, sorted(top)


def test_wheel_ships_no_tests_or_caches(names: set[str]) -> None:
    stray = sorted(
        n
        for n in names
        if "__pycache__" in n or n.endswith(".pyc") or n.startswith(("tests/", "bench/"))
    )
    assert not stray, stray


def test_installed_copy_is_imported_from_site(installed: dict[str, object], site: Path) -> None:
    for module in ("councilkg", "councilkg.ingest"):
        path = Path(str(installed[module])).resolve()
        assert path.is_relative_to(site.resolve()), f"{module} imported from {path}"
    assert installed["top-level ingest"] is False


@pytest.mark.parametrize("kind", KINDS)
def test_installed_resource_dir(installed: dict[str, object], site: Path, kind: str) -> None:
    """``resource_dir`` finds the packaged folder, not the checkout."""
    folder = ROOT / ARTEFACTS[kind]
    if not (folder.is_dir() and _files(folder)):
        pytest.skip(
            f"{ARTEFACTS[kind]}/ has no files, so the wheel has no _resources/{kind}/ and "
            f"resource_dir({kind!r}) raises FileNotFoundError in an installed copy"
        )
    dirs = installed["dirs"]
    assert isinstance(dirs, dict)
    assert dirs[kind] is not None, installed["files"]
    path = Path(dirs[kind]).resolve()
    assert path.is_relative_to(site.resolve()), path
    assert path == (site / "councilkg" / "_resources" / kind).resolve()
    files = installed["files"]
    assert isinstance(files, dict)
    assert files[kind] == [p.name for p in _files(folder) if p.parent == folder]


def test_installed_copy_ingests_the_packaged_sample(
    installed: dict[str, object], site: Path
) -> None:
    from councilkg.ingest.pipeline import ingest_file

    sample = Path(str(installed["sample"])).resolve()
    assert sample.is_relative_to(site.resolve()), sample
    assert sample.name == SEED
    assert installed["lexicon"] == "zh"
    expected = ingest_file(ROOT / "data" / "samples" / SEED)
    assert installed["records"] == len(expected.records)
    assert installed["coverage"] == pytest.approx(expected.coverage.share)
    assert installed["ontology_chars"] == len(
        (ROOT / "ontology" / "councilkg.ttl").read_text(encoding="utf-8")
    )


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment with the wheel installed as a user would.

    The dependencies are not downloaded (tests run offline): the project
    venv's site-packages is put on the new one's path by a ``.pth`` line, which
    adds the folder without running the ``.pth`` files inside it — so the
    checkout's editable install stays invisible and only the wheel provides
    ``councilkg``.
    """
    env_dir = tmp_path_factory.mktemp("venv") / "env"
    _run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)])
    purelib = Path(
        _run(
            [
                str(env_dir / "bin" / "python"),
                "-c",
                "import sysconfig; print(sysconfig.get_path('purelib'))",
            ]
        ).stdout.strip()
    )
    deps = next(p for p in map(Path, sys.path) if p.name == "site-packages" and p.is_dir())
    (purelib / "dependencies.pth").write_text(f"{deps}\n", encoding="utf-8")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(env_dir / "bin" / "python"),
            "install",
            "--no-deps",
            "--no-index",
            "--disable-pip-version-check",
            str(wheel),
        ]
    )
    return env_dir


def _clean_env() -> dict[str, str]:
    drop = ("PYTHONPATH", "PYTHONHOME", "PYTHONSAFEPATH", "VIRTUAL_ENV", "COUNCILKG_STORE")
    return {k: v for k, v in os.environ.items() if k not in drop}


def test_installed_command_ingests_the_bundled_sample(
    venv: Path, tmp_path: Path, seed_store: GraphStore
) -> None:
    """``councilkg ingest --sample`` from the installed script, outside the checkout:
    the sample, the lexicon, the ontology and the store all come from the wheel."""
    script = venv / "bin" / "councilkg"
    env = _clean_env()
    where = _run(
        [str(venv / "bin" / "python"), "-c", "import councilkg.ingest as m; print(m.__file__)"],
        env=env,
        cwd=tmp_path,
    ).stdout.strip()
    assert Path(where).resolve().is_relative_to(venv.resolve()), where
    store = tmp_path / "store"
    proc = _run([str(script), "ingest", "--sample", "--store", str(store)], env=env, cwd=tmp_path)
    assert "fact yield 100.0 %" in proc.stdout + proc.stderr
    proc = _run([str(script), "validate", "--store", str(store)], env=env, cwd=tmp_path)
    assert proc.stdout.startswith("conforms"), proc.stdout
    proc = _run(
        [
            str(script),
            "query",
            "votes-on-draft",
            "--store",
            str(store),
            "--param",
            "symbol=S/2020/797",
        ],
        env=env,
        cwd=tmp_path,
    )
    # The installed copy answers as the checkout does (the session's seed store).
    from councilkg import queries as cq

    bound = cq.bind("votes-on-draft", {"symbol": "S/2020/797"})
    expected = cq.render(cq.run(bound, store=seed_store, labels=True), "table")
    assert proc.stdout == expected
    proc = _run(
        [str(script), "export", "--store", str(store), "--out", str(tmp_path / "g.nq")],
        env=env,
        cwd=tmp_path,
    )
    assert (tmp_path / "g.nq").stat().st_size > 0


def test_installed_command_prints_and_copies_the_bundled_sample(venv: Path, tmp_path: Path) -> None:
    """A wheel user has no ``data/samples/``: ``councilkg sample`` names the
    file inside the installed package, ``--copy`` puts it where the README's
    ``ingest FILE`` examples can name it."""
    script = venv / "bin" / "councilkg"
    env = _clean_env()
    shown = Path(_run([str(script), "sample"], env=env, cwd=tmp_path).stdout.strip())
    assert shown.resolve().is_relative_to(venv.resolve()), shown
    assert shown.name == SEED and shown.is_file()
    copied = Path(
        _run([str(script), "sample", "--copy", "."], env=env, cwd=tmp_path).stdout.strip()
    )
    assert (tmp_path / copied).read_bytes() == (ROOT / "data" / "samples" / SEED).read_bytes()
    proc = _run([str(script), "ingest", str(copied), "--no-store", "-q"], env=env, cwd=tmp_path)
    assert "fact yield 100.0 %" in proc.stdout
