"""Where things are on the site, and what to call them.

Why one small value object: every link a page writes depends on the same
few facts (the graph's base IRI, the server's root path, the page's
language and path), and templates must not build URLs themselves.  The URL
scheme is fixed:

- a data IRI ``{base}id/{rest}`` has its page at ``/page/{rest}`` and its
  data at ``/data/{rest}`` (``.ttl``, ``.jsonld``, ``.nt``); ``/id/{rest}``
  redirects to one of them;
- any other IRI (an ontology term, Wikidata) is linked as it is;
- the language is ``?lang=zh|en``, kept by every internal link (``en``, the
  default, is left out).

IRIs are written as they are minted (:mod:`councilkg.ingest.iris`): already
percent-encoded where needed, so ``rest`` goes into the path unchanged and
the server must map the *raw* request path back (:meth:`Site.iri_for`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import quote, unquote, urlencode

from councilkg.export.formats import FORMATS
from councilkg.ingest.iris import DEFAULT_BASE
from councilkg.ingest.language import DEFAULT_LANG, LANGS
from councilkg.ingest.symbols import SymbolError, parse_symbol
from councilkg.web.strings import kind_name

__all__ = ["DATA_FORMATS", "Labels", "Site", "choose_label"]

DATA_FORMATS = tuple(
    (FORMATS[name].extension.removeprefix("."), FORMATS[name].label, FORMATS[name].media_type)
    for name in ("turtle", "jsonld", "ntriples")
)
"""Data formats linked from every page, in the order shown: (extension,
name, media type), from the registry of formats."""

Labels = Mapping[str, Mapping[str, str]]
"""Labels by IRI, then by language tag (``""`` for an untagged label)."""

# Characters kept as they are in a path (an IRI's rest is already encoded).
_PATH_SAFE = "/()._-~!$&'*+,;=:@%"
_TAIL_RE = re.compile(r"[/#]")


def choose_label(labels: Mapping[str, str] | None, lang: str) -> str | None:
    """The label in ``lang``, else an untagged one (a symbol), else one in
    the other language; None when there is none.

    >>> choose_label({"zh": "中国", "en": "China"}, "zh")
    '中国'
    >>> choose_label({"zh": "中国"}, "en")
    '中国'
    >>> choose_label({"": "S/2020/797", "zh": "x"}, "en")
    'S/2020/797'
    """
    if not labels:
        return None
    if lang in labels:
        return labels[lang]
    if "" in labels:
        return labels[""]
    for other in sorted(labels):
        return labels[other]
    return None


@dataclass(frozen=True, slots=True)
class Site:
    """The link helpers templates use, for one page in one language.

    Attributes:
        base: the graph's base IRI (data IRIs are ``{base}id/…``).
        lang: the page's language, ``en`` or ``zh``.
        root: the server's root path (``""``, or ``/prefix`` behind a proxy).
        path: the page's own path below ``root`` (for the language switch).
        licence: the data licence the publisher gives (an IRI), linked
            from every page's footer; None: none is claimed (the source
            text is the UN's, and the footer says so).
        dumps: downloads of the whole dataset as (name, path below root).
    """

    base: str = DEFAULT_BASE
    lang: str = DEFAULT_LANG
    root: str = ""
    path: str = "/"
    licence: str | None = None
    dumps: tuple[tuple[str, str], ...] = ()
    keep: tuple[tuple[str, str], ...] = ()
    """Parameters of the page's own URL its language switch keeps (the
    search page's ``q``)."""

    def __post_init__(self) -> None:
        if self.lang not in LANGS:
            raise ValueError(f"unknown language {self.lang!r}; expected one of {', '.join(LANGS)}")
        if self.root.endswith("/"):
            raise ValueError(f"root path must not end with '/': {self.root!r}")

    # -- where ----------------------------------------------------------
    @property
    def data_formats(self) -> tuple[tuple[str, str, str], ...]:
        """The formats of ``/data/…`` linked from pages: (extension, name,
        media type)."""
        return DATA_FORMATS

    @property
    def id_prefix(self) -> str:
        """The prefix of the data IRIs that have pages here."""
        return f"{self.base}id/"

    def at(self, path: str) -> Site:
        """This site, for the page at ``path``."""
        return replace(self, path=path)

    def in_lang(self, lang: str) -> Site:
        """This site, in another language."""
        return replace(self, lang=lang)

    def is_local(self, iri: str) -> bool:
        """Whether ``iri`` is a data IRI with a page on this site."""
        return iri.startswith(self.id_prefix) and len(iri) > len(self.id_prefix)

    def rest(self, iri: str) -> str:
        """The part of a data IRI after ``{base}id/``, safe in a URL path."""
        return quote(iri[len(self.id_prefix) :], safe=_PATH_SAFE)

    def iri_for(self, rest: str) -> str:
        """The data IRI whose page or data is at ``/page/{rest}`` or
        ``/data/{rest}`` (``rest`` as it appears in the raw request path).

        >>> Site().iri_for("state/CHN")
        'https://w3id.org/councilkg/id/state/CHN'
        """
        return self.id_prefix + rest

    def _query(self, **extra: str) -> str:
        params = dict(extra)
        if self.lang != DEFAULT_LANG:
            params = {"lang": self.lang, **params}
        return f"?{urlencode(params)}" if params else ""

    def href(self, path: str, **params: str) -> str:
        """A link to a path of this site (``/``, ``/query``, ``/sparql``),
        keeping the page's language.

        >>> Site(lang="zh").href("/query")
        '/query?lang=zh'
        >>> Site(root="/kg").href("/")
        '/kg/'
        """
        return f"{self.root}{path}{self._query(**params)}"

    def plain(self, path: str) -> str:
        """A path of this site with no language (data, downloads).

        >>> Site(lang="zh", root="/kg").plain("/.well-known/void")
        '/kg/.well-known/void'
        """
        return f"{self.root}{path}"

    def static(self, name: str) -> str:
        """A static file (``/static/site.css``); not language-dependent."""
        return f"{self.root}/static/{name}"

    def page_href(self, iri: str) -> str:
        """Where a link to ``iri`` goes: its page here for a data IRI, else
        the IRI itself.

        >>> Site(lang="zh").page_href("https://w3id.org/councilkg/id/meeting/8733")
        '/page/meeting/8733?lang=zh'
        >>> Site().page_href("http://www.wikidata.org/entity/Q148")
        'http://www.wikidata.org/entity/Q148'
        """
        if self.is_local(iri):
            return f"{self.root}/page/{self.rest(iri)}{self._query()}"
        return iri

    def page_path(self, iri: str) -> str:
        """The path of a data IRI's page (no language parameter)."""
        return f"/page/{self.rest(iri)}"

    def data_href(self, iri: str, ext: str | None = None) -> str:
        """The data of a data IRI (``ext``: ``ttl``, ``jsonld``, ``nt``, or
        None for content negotiation).

        >>> Site().data_href("https://w3id.org/councilkg/id/state/CHN", "ttl")
        '/data/state/CHN.ttl'
        """
        suffix = f".{ext}" if ext else ""
        return f"{self.root}/data/{self.rest(iri)}{suffix}"

    def lang_href(self, lang: str) -> str:
        """This page in another language (the language switch).

        >>> Site(path="/page/state/CHN").lang_href("zh")
        '/page/state/CHN?lang=zh'
        >>> Site(path="/search", keep=(("q", "中国"),)).lang_href("en")
        '/search?q=%E4%B8%AD%E5%9B%BD&lang=en'
        """
        return f"{self.root}{self.path}?{urlencode([*self.keep, ('lang', lang)])}"

    def undocs(self, symbol: str) -> str | None:
        """The undocs.org link of a UN document symbol in the page's
        language (the UN's own code for Chinese is ``ch``); None for text
        that is not a symbol.

        >>> Site(lang="en").undocs("S/RES/2231(2015)")
        'https://undocs.org/en/S/RES/2231(2015)'
        """
        try:
            return parse_symbol(symbol).undocs_url(self.lang)
        except SymbolError:
            return None

    # -- what -----------------------------------------------------------
    def label(self, iri: str, labels: Labels) -> str:
        """What to call ``iri``: its label in the page's language, else an
        untagged one, else one in the other language, else a readable tail
        of the IRI (:meth:`tail`)."""
        return choose_label(labels.get(iri), self.lang) or self.tail(iri)

    def tail(self, iri: str) -> str:
        """A readable name for an IRI without a label: for a data IRI, the
        name of its kind and the rest of its path (``Footnote 2020 824``);
        for another IRI, the part after its last ``/`` or ``#``.

        >>> Site().tail("https://w3id.org/councilkg/id/footnote/2020/824")
        'Footnote 2020 824'
        >>> Site().tail("http://www.w3.org/ns/prov#wasDerivedFrom")
        'wasDerivedFrom'
        """
        if self.is_local(iri):
            kind, _, rest = unquote(iri[len(self.id_prefix) :]).partition("/")
            name = kind_name(kind, self.lang)
            return f"{name} {rest.replace('/', ' ')}".strip()
        parts = [p for p in _TAIL_RE.split(iri) if p]
        return unquote(parts[-1]) if parts else iri
