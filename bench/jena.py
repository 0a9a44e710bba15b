"""Apache Jena's SHACL engine from Debian's ``libapache-jena-java``, made runnable.

Why this is needed: Debian's Jena 4.5 does not run as packaged.
``java -cp '/usr/share/java/*' shacl.shacl`` first loops in SLF4J (every
binding in the folder is on the class path), and with an explicit class
path it then fails with ``RuntimeException: internal error`` in
``xerces.impl.dv.xs.XSSimpleTypeDecl``: the package moved Jena's shaded
Xerces classes from ``org.apache.jena.ext.xerces`` to ``xerces`` but left
their ``.properties`` message files under the old path, so Xerces cannot
load its messages while building the XSD datatypes.  :func:`classpath`
names the jars explicitly (one SLF4J binding: ``slf4j-nop``) and puts in
front a folder where those files are restored under ``xerces/``.

Standard library only, so ``scripts/install-jena.sh`` can check the
install with the system Python: ``python3 -m bench jena --check``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

JAVA_DIR = Path("/usr/share/java")
MAVEN_DIR = Path("/usr/share/maven-repo/org/apache/jena/jena-shacl")
ROOT = Path(__file__).resolve().parents[1]
CACHE = (
    Path(os.environ.get("COUNCILKG_BENCH_CACHE") or ROOT / "bench" / "results" / "cache") / "jena"
)
# Jena's jars and the libraries they need (Debian names), one SLF4J binding.
JARS = (
    "jena-base",
    "jena-core",
    "jena-iri",
    "jena-arq",
    "jena-shacl",
    "jena-cmds",
    "jena-dboe-base",
    "jena-dboe-index",
    "jena-dboe-storage",
    "jena-dboe-trans-data",
    "jena-dboe-transaction",
    "jena-tdb",
    "jena-tdb2",
    "jena-rdfconnection",
    "jena-shex",
    "slf4j-api",
    "slf4j-nop",
    "guava",
    "commons-cli",
    "commons-codec",
    "commons-compress",
    "commons-csv",
    "commons-io",
    "commons-lang3",
    "dexx.collection",
    "gson",
    "jackson-core",
    "jackson-databind",
    "jackson-annotations",
    "jsonld-java",
    "titanium-json-ld",
    "jakarta.json-api",
    "httpclient",
    "httpcore",
    "httpclient-cache",
    "thrift",
    "protobuf",
    "jcl-over-slf4j",
)
_OLD_XERCES = "org/apache/jena/ext/xerces/"


class JenaMissingError(RuntimeError):
    """Debian's Jena (or Java) is not installed: run scripts/install-jena.sh."""


def available() -> bool:
    """Whether Java and Jena's SHACL jar are installed."""
    return shutil.which("java") is not None and (JAVA_DIR / "jena-shacl.jar").exists()


def version() -> str | None:
    """Jena's version, from Debian's Maven repository (``4.5.0``)."""
    if not MAVEN_DIR.is_dir():
        return None
    found = sorted(p.name for p in MAVEN_DIR.iterdir() if p.name[:1].isdigit())
    return found[-1] if found else None


def _restored_properties(cache: Path) -> Path:
    """A folder with Xerces' message files where the moved classes look."""
    target = cache / "props"
    if (target / "xerces" / "impl" / "msg" / "XMLSchemaMessages.properties").exists():
        return target
    tmp = Path(tempfile.mkdtemp(prefix=".props-", dir=cache))
    with zipfile.ZipFile(JAVA_DIR / "jena-core.jar") as jar:
        for name in jar.namelist():
            if name.startswith(_OLD_XERCES) and name.endswith(".properties"):
                out = tmp / "xerces" / name[len(_OLD_XERCES) :]
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(jar.read(name))
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)
    return target


def classpath(cache: Path = CACHE) -> str:
    """The class path that runs ``shacl.shacl`` (see the module doc).

    Raises:
        JenaMissingError: Java or one of the jars is not installed.
    """
    if not available():
        raise JenaMissingError(
            "Java or Debian's libapache-jena-java is missing: scripts/install-jena.sh"
        )
    jars = [JAVA_DIR / f"{name}.jar" for name in JARS]
    missing = [j.name for j in jars if not j.exists()]
    if missing:
        raise JenaMissingError(f"jars missing from {JAVA_DIR}: {', '.join(missing)}")
    cache.mkdir(parents=True, exist_ok=True)
    return ":".join([str(_restored_properties(cache)), *map(str, jars)])


def shacl_command(shapes: Path, data: Path, *, heap: str | None = None) -> list[str]:
    """``java … shacl.shacl validate``: prints the validation report (Turtle)."""
    java = ["java"] + ([f"-Xmx{heap}"] if heap else [])
    return [
        *java,
        "-cp",
        classpath(),
        "shacl.shacl",
        "validate",
        "--shapes",
        str(shapes),
        "--data",
        str(data),
    ]


_CHECK_SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:Vote ;
  sh:property [ sh:path ex:position ; sh:in ( "for" "against" ) ] ;
  sh:sparql [ sh:select \"\"\"SELECT $this WHERE {
      $this <http://example.org/position> ?p FILTER (?p = 'none') }\"\"\" ] .
"""
_EX = "http://example.org/"
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_CHECK_DATA = "".join(
    f"<{_EX}{node}> <{_TYPE}> <{_EX}Vote> .\n<{_EX}{node}> <{_EX}position> {position!r} .\n"
    for node, position in (("v1", "for"), ("v2", "none"))
).replace("'", '"')


def check() -> str:
    """Validate a two-node graph: one sh:in and one SHACL-SPARQL violation
    expected.  Returns Jena's report; raises if Jena does not run."""
    with tempfile.TemporaryDirectory(prefix="jena-check-") as tmp:
        shapes, data = Path(tmp) / "shapes.ttl", Path(tmp) / "data.nt"
        shapes.write_text(_CHECK_SHAPES, encoding="utf-8")
        data.write_text(_CHECK_DATA, encoding="utf-8")
        proc = subprocess.run(
            shacl_command(shapes, data), capture_output=True, text=True, timeout=120, check=False
        )
    if proc.returncode != 0 or "sh:conforms" not in proc.stdout:
        raise RuntimeError(f"Jena's shacl.shacl failed ({proc.returncode}): {proc.stderr[-800:]}")
    found = proc.stdout.count("sh:focusNode")
    if found != 2:
        raise RuntimeError(f"Jena found {found} results on the check graph, expected 2")
    return proc.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.jena", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--check", action="store_true", help="run a tiny validation")
    parser.add_argument("--classpath", action="store_true", help="print the class path")
    args = parser.parse_args(argv)
    try:
        if args.classpath:
            print(classpath())
        if args.check:
            check()
            print(f"Jena {version()} SHACL runs (2 expected results found)")
    except (JenaMissingError, RuntimeError) as exc:
        print(f"jena: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
