"""The store's database folders: the live one behind a link, a staged copy
while a write is under way, and the swap that makes it live.

Why a link: readers open ``<store>/oxigraph`` (as ``oxigraph serve
--location`` does), and renaming a new link over it is one atomic step, so
a writer can build the next version of the database beside the live one
and publish it whole.  The layout of a store folder::

    oxigraph            link to the live database folder
    oxigraph.<token>    database folders: the live one, the one it replaced
                        (readers that opened it before the swap keep
                        reading it), and the staged one while a write runs
    staging             the staged folder's name while a write runs, so the
                        next writer removes what a killed process left

Readers and writers open the folder the link names (:func:`resolve`), never
the link itself: a database opened through the link would follow it to the
next version when it opens a file later.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

LINK = "oxigraph"
STAGING_FILE = "staging"


def resolve(store: Path) -> Path:
    """The live database folder of the store folder ``store`` (a store
    written before the link existed has a plain folder there: itself)."""
    link = store / LINK
    return store / link.readlink() if link.is_symlink() else link


def is_plain_folder(store: Path) -> bool:
    """Whether ``oxigraph`` is a folder, not a link (a store from before)."""
    link = store / LINK
    return link.is_dir() and not link.is_symlink()


def ensure_link(store: Path) -> None:
    """Make ``oxigraph`` a link to a database folder: a new empty one, or the
    plain folder of an older store moved aside once (the caller holds the
    database's lock and has closed it)."""
    link = store / LINK
    if link.is_symlink():
        return
    name = _new_name()
    if link.exists():
        link.rename(store / name)
    else:
        (store / name).mkdir(parents=True)
    _point(store, name)


def start_staging(store: Path) -> Path:
    """A fresh name for a staged database folder, recorded in ``staging``
    first, so that a process killed while writing it leaves a name the
    next writer finds; removes what an earlier killed writer left."""
    discard_stale(store)
    name = _new_name()
    _write(store / STAGING_FILE, name)
    return store / name


def commit(store: Path, staged: Path) -> None:
    """Point the link at ``staged`` (one rename: the swap), then drop the
    staging record and every database folder but the new one and the one
    it replaced."""
    previous = (store / LINK).readlink().name
    _point(store, staged.name)
    (store / STAGING_FILE).unlink(missing_ok=True)
    for folder in store.glob(f"{LINK}.*"):
        keep = folder.name in (staged.name, previous)
        if not keep and folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)


def discard(store: Path, staged: Path) -> None:
    """Remove a staged folder that will not be committed."""
    shutil.rmtree(staged, ignore_errors=True)
    (store / STAGING_FILE).unlink(missing_ok=True)


def discard_stale(store: Path) -> None:
    """Remove the staged folder a killed writer left, if any (never the live one)."""
    record = store / STAGING_FILE
    try:
        name = record.read_text(encoding="utf-8").strip()
    except OSError:
        return
    live = resolve(store).name
    if name.startswith(f"{LINK}.") and "/" not in name and name != live:
        shutil.rmtree(store / name, ignore_errors=True)
    record.unlink(missing_ok=True)


def _new_name() -> str:
    return f"{LINK}.{time.time_ns()}-{os.getpid()}"


def _point(store: Path, name: str) -> None:
    """Rename a new link to ``name`` over ``oxigraph``: readers find the old
    link or the new one, never none."""
    tmp = store / f".{LINK}.{os.getpid()}.link"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(name)
    tmp.replace(store / LINK)
    _sync_folder(store)


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; a no-op where folders
    cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as f:
        f.write(text + "\n")
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)
