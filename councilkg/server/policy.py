"""What a SPARQL request asks for, read from its tokens: the endpoint's policy check.

The endpoint refuses SPARQL Update, ``LOAD`` and ``SERVICE`` unless they are
enabled.  pyoxigraph exposes no parser or algebra, so the check lexes the
request with the SPARQL 1.1 terminals that can hide a word -- comments,
the four kinds of string literal (with backslash escapes), IRI references,
prefixed names, variables, blank-node labels and language tags -- and looks
only at the *keywords* that remain.  ``SERVICE`` inside a string, a comment,
an IRI or a name such as ``?service`` or ``ex:SERVICE`` is therefore not a
``SERVICE`` clause, and a clause written in any case (``service``) is, as
is a bare word that merely contains it (Oxigraph reads ``SERVICEsilent`` as
``SERVICE SILENT``: its keywords need no word boundary).

The lexer errs towards refusing: anything it cannot classify is skipped one
character at a time, so a keyword can only be missed if Oxigraph's lexer
would also read it as part of a longer token.  Oxigraph does not apply the
SPARQL codepoint escapes (``\\u0053ERVICE``) outside strings and IRIs (it
reports a syntax error), and inside strings it treats them as escapes, as
this lexer does.

:func:`refusal` applies the endpoint's switches (:class:`Switches`, such
as a :class:`~councilkg.server.config.ServerConfig`) to what the lexer
found, and words the refusal.  The query workers apply it
(:func:`councilkg.server.worker.checked`), not the front process: lexing a
request of a megabyte takes a while, and the front must not spend it while
other clients wait.

>>> inspect_request("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }").service
True
>>> inspect_request('SELECT * { ?s ?p "SERVICE <http://x/> {}" } # SERVICE').service
False
>>> inspect_request("PREFIX ex: <http://e/> INSERT DATA { ex:a ex:b ex:c }").form
'INSERT'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

# Keywords that start a SPARQL 1.1 Update operation.
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
_FORMS_LONGEST_FIRST = sorted(UPDATE_KEYWORDS | QUERY_FORMS, key=len, reverse=True)

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff"
    "\u200c-\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
    "\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = (
    f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
)

# Order matters: the first alternative that matches at a position wins, and
# each is the longest form of its terminal (as in the SPARQL grammar).
_TERMINALS = (
    r"(?P<ws>[ \t\r\n]+)",
    r"(?P<comment>#[^\r\n]*)",
    r'(?P<string>"""(?:[^"\\]|\\.|"(?!""))*(?:"""|\Z)'
    r"|'''(?:[^'\\]|\\.|'(?!''))*(?:'''|\Z)"
    r'|"(?:[^"\\\r\n]|\\.)*(?:"|\Z)'
    r"|'(?:[^'\\\r\n]|\\.)*(?:'|\Z))",
    r'(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)',
    f"(?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)",
    f"(?P<var>[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)",
    f"(?P<bnode>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)",
    r"(?P<lang>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)",
    r"(?P<number>[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)",
    f"(?P<word>[{_PN_CHARS_BASE}_][{_PN_CHARS}]*)",
    r"(?P<open>[{(\[])",
    r"(?P<close>[})\]])",
)
_TOKEN = re.compile("|".join(_TERMINALS), re.DOTALL)
# The same without prefixed names: used inside a run of name characters that
# no colon ends, where no prefixed name can start.
_TOKEN_NO_PNAME = re.compile(
    "|".join(t for t in _TERMINALS if not t.startswith("(?P<pname>")), re.DOTALL
)
# A run of the characters a prefix may hold (dots included): a prefixed name
# starting inside it needs the colon right after it.
_PREFIX_RUN = re.compile(f"[{_PN_CHARS}.]+")


class Switches(Protocol):
    """What the endpoint allows (a :class:`~councilkg.server.config.ServerConfig`,
    or :class:`Allowed` in a worker)."""

    @property
    def allow_update(self) -> bool: ...
    @property
    def allow_load(self) -> bool: ...
    @property
    def allow_service(self) -> bool: ...


@dataclass(frozen=True)
class Allowed:
    """The switches as sent to a worker with each request."""

    allow_update: bool = False
    allow_load: bool = False
    allow_service: bool = False


@dataclass
class RequestShape:
    """What the policy needs to know about a query or update text."""

    form: str | None = None
    """The first keyword after the prologue, upper-cased: ``SELECT``,
    ``CONSTRUCT``, ``DESCRIBE``, ``ASK``, or an update keyword such as
    ``INSERT`` or ``LOAD``; ``None`` if there is none."""
    service: bool = False
    """A ``SERVICE`` clause appears (federated query)."""
    load: bool = False
    """A ``LOAD`` operation appears."""
    update_keywords: set[str] = field(default_factory=set)
    """Update keywords used as keywords anywhere (``INSERT``, ``DROP``...)."""
    prefixes: dict[str, str] = field(default_factory=dict)
    """``PREFIX`` declarations (to write Turtle with the query's prefixes)."""

    @property
    def is_update(self) -> bool:
        """The text is (or starts as) a SPARQL Update request."""
        return self.form in UPDATE_KEYWORDS


_PREFIX_DECL = re.compile(r"PREFIX\s+([^\s:]*):\s*<([^<>\"{}|^`\\\x00-\x20]*)>", re.IGNORECASE)


def quick_inspect(text: str) -> RequestShape:
    """:func:`inspect_request`, skipping the lexer when the text cannot hold a
    ``SERVICE`` or ``LOAD`` keyword at all (neither word occurs in it, in any
    case).  Then ``form`` is None (unknown: the query engine decides) and
    ``prefixes`` are read by a pattern (they only shape Turtle output).

    >>> quick_inspect("PREFIX ex: <http://e/> SELECT * {}").prefixes
    {'ex': 'http://e/'}
    >>> quick_inspect("select * { service <http://e/> {} }").service
    True
    """
    upper = text.upper()
    if "SERVICE" in upper or "LOAD" in upper:
        return inspect_request(text)
    return RequestShape(prefixes=dict(_PREFIX_DECL.findall(text)))


def keywords(text: str) -> list[tuple[str, str]]:
    """The significant tokens of ``text`` as (kind, text), comments and
    whitespace dropped.  Kinds: the group names of the token pattern, and
    ``other`` for a character no terminal starts with (punctuation, operators).

    >>> text = "ask { ?service <urn:SERVICE> 'SERVICE' } # SERVICE"
    >>> [t for k, t in keywords(text) if k == 'word']
    ['ask']
    """
    out: list[tuple[str, str]] = []
    pos, end = 0, len(text)
    run_end, colon = -1, False
    while pos < end:
        # Linear time: a prefixed name is tried only where a colon ends the
        # run of name characters the position is in; otherwise every start
        # inside a long run (``a.a.a.…``) would scan the rest of it again.
        # A prefix cannot end in a dot, so a run ending in one has no
        # prefixed name in it either.
        if pos >= run_end:
            run = _PREFIX_RUN.match(text, pos)
            if run is None:  # not a name character: ``:local`` may start here
                run_end, colon = pos + 1, True
            else:
                run_end = run.end()
                colon = run_end < end and text[run_end] == ":" and text[run_end - 1] != "."
        m = (_TOKEN if colon else _TOKEN_NO_PNAME).match(text, pos)
        if m is None or m.end() == pos:
            out.append(("other", text[pos]))
            pos += 1
            continue
        kind = m.lastgroup or "other"
        if kind not in ("ws", "comment"):
            out.append((kind, m.group()))
        pos = m.end()
    return out


def inspect_request(text: str) -> RequestShape:
    """Classify a SPARQL query or update text (see the module docstring)."""
    shape = RequestShape()
    tokens = keywords(text)
    expect_prefix = False
    pending_prefix: str | None = None
    in_prologue = True
    for kind, tok in tokens:
        if kind == "word":
            upper = tok.upper()
            # Oxigraph's parser needs no boundary after a keyword
            # (``SERVICEsilent <x> {}`` is ``SERVICE SILENT``, and a keyword
            # may follow ``true`` or a number with no space), and no SPARQL
            # keyword or function name contains these two words: so any bare
            # word that contains one is taken for it.
            if "SERVICE" in upper:
                shape.service = True
            if "LOAD" in upper:
                shape.load = True
            if upper in UPDATE_KEYWORDS:
                shape.update_keywords.add(upper)
            if in_prologue:
                if upper == "PREFIX":
                    expect_prefix = True
                    continue
                if upper == "BASE":
                    continue
                in_prologue = False
                shape.form = next((k for k in _FORMS_LONGEST_FIRST if upper.startswith(k)), upper)
            elif shape.is_update and upper == "PREFIX":
                # Each operation of an update request may have a prologue.
                expect_prefix = True
            continue
        if expect_prefix and kind == "pname":
            pending_prefix = tok[:-1] if tok.endswith(":") else None
            expect_prefix = False
            continue
        if pending_prefix is not None and kind == "iri":
            shape.prefixes[pending_prefix] = tok[1:-1]
            pending_prefix = None
            continue
        if in_prologue and kind not in ("iri", "pname"):
            # Something other than a prologue: no query form keyword first.
            in_prologue = False
        pending_prefix = None
        expect_prefix = False
    return shape


MAX_NESTING = 256
"""Groups, brackets and parentheses nested deeper than this are refused (400)
before any parser sees the text: the query engine parses by recursion, and a
few thousand levels (12 KB of ``{``) overflow a worker's stack and kill it.
Queries people write stay within a few dozen levels."""


def too_deep(text: str, limit: int = MAX_NESTING) -> str | None:
    """Why ``text`` is refused for its nesting (None: it is not).

    Linear: the brackets are counted first, and only a text with more than
    ``limit`` opening brackets is lexed (so a brace in a string or an IRI is
    not counted).

    >>> too_deep("SELECT * {" * 300 + "}" * 300) is not None
    True
    >>> too_deep("ASK { ?s ?p '" + "{" * 300 + "' }") is None
    True
    """
    if text.count("{") + text.count("(") + text.count("[") <= limit:
        return None
    depth = deepest = 0
    for kind, _ in keywords(text):
        if kind == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "close":
            depth -= 1
    if deepest <= limit:
        return None
    return (
        f"the request nests groups, brackets or parentheses {deepest} levels deep; "
        f"at most {limit} are accepted"
    )


def refusal(shape: RequestShape, *, update: bool, config: Switches) -> str | None:
    """Why the policy refuses this request (None: it does not)."""
    if update or shape.is_update:
        if not config.allow_update:
            what = ""
            if shape.load:
                what = "LOAD is disabled (the endpoint does not fetch remote data), and "
            return (
                f"{what}SPARQL Update is disabled: this endpoint is read-only "
                "(start `councilkg serve` with --allow-update to accept updates)"
            )
        if not update:
            return (
                "SPARQL Update must be sent as an update (POST with update= or "
                "Content-Type application/sparql-update), not as a query"
            )
        if shape.load and not config.allow_load:
            return (
                "LOAD is disabled: the endpoint does not fetch remote data "
                "(start `councilkg serve` with --allow-load to accept it)"
            )
    if shape.service and not config.allow_service:
        return (
            "SERVICE (federated query) is disabled: the endpoint does not query other "
            "endpoints (start `councilkg serve` with --allow-service to accept it)"
        )
    return None
