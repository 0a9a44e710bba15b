"""``councilkg sample``: where the bundled sample is, or a copy of it.

The sample (a 2020 excerpt of the Chinese Repertoire) ships inside the
package, at a path that depends on how it was installed (a checkout's
``data/samples/``, a wheel's ``councilkg/_resources/samples/``).  A reader
following the README with a wheel has no checkout to find it in: this
command prints the path, or copies the file where the reader wants it, so
the examples run as written (``councilkg ingest "$(councilkg sample)"``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from councilkg.resources import sample_path

__all__ = ["sample"]


@click.command("sample")
@click.option(
    "--copy",
    "dest",
    metavar="DEST",
    type=click.Path(path_type=Path),
    help="Copy the sample to DEST (a folder: under the sample's own name) and print where.",
)
def sample(dest: Path | None) -> None:
    """Print the path of the sample bundled with the package (the 2020
    Chinese excerpt that ``ingest --sample`` reads); with --copy, copy it.

    An existing file at DEST is replaced, as ``cp`` does; missing folders
    above it are made.
    """
    source = sample_path()
    if not source.is_file():  # a broken install: say so, not "no such file" later
        raise click.ClickException(f"the bundled sample is missing: {source}")
    if dest is None:
        click.echo(str(source))
        return
    target = dest / source.name if dest.is_dir() else dest
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    click.echo(str(target))
