"""The ingest's heap trim is really called where it was measured (glibc)."""

from __future__ import annotations

import platform

import pytest

from councilkg import heap


@pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only"
)
def test_malloc_trim_is_found_on_glibc() -> None:
    # Not found, trim() would silently do nothing and the ingest's peak RSS
    # would be the untrimmed one (bench/README.md, the store path: memory).
    assert heap._malloc_trim() is not None
