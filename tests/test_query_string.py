"""The endpoint's query-string parser gives what ``urllib.parse.parse_qs``
gives (blank values kept, UTF-8, invalid sequences replaced).

Why a test of its own: :func:`councilkg.server.http.parse_query` decodes the
``%XX`` escapes in C for speed, through ``codecs.escape_decode``; a stray
``%``, a backslash or an invalid UTF-8 sequence must still read exactly as
urllib reads it, since that is what every client of the endpoint expects.
"""

from __future__ import annotations

import random
import urllib.parse

import pytest

from councilkg.server.http import parse_query


@pytest.mark.parametrize(
    "qs",
    [
        b"",
        b"query=ASK%20%7B%7D",
        b"query=a+b%2Bc&query=%E2%82%AC&x",
        b"a=%zz&b=%4&c=%%41&d=%5Cx41&e=\\x41",
        b"q=%C3%28&r=%ED%A0%80",
        b"&&=&a==b",
        "query=SELECT ?x WHERE { ?x ?p '俄罗斯联邦' }".encode(),  # not ASCII: urllib's path
    ],
)
def test_query_strings_parse_as_urllib_does(qs: bytes) -> None:
    assert parse_query(qs) == urllib.parse.parse_qs(
        qs.decode("latin-1"), keep_blank_values=True, encoding="utf-8"
    )


def test_generated_query_strings_parse_as_urllib_does() -> None:
    """Strings made of the characters that matter (escapes good and bad,
    separators, plus signs, backslashes), seeded so a failure repeats."""
    rng = random.Random(16)
    atoms = [
        b"%",
        b"%4",
        b"%41",
        b"%e2%82%ac",
        b"%C3",
        b"%zz",
        b"+",
        b"&",
        b"=",
        b"\\",
        b"\\x",
        b"a",
        b"Z",
        b"9",
        b"%5C",
        b"%25",
        b"%00",
        b"%FF",
    ]
    for _ in range(3000):
        qs = b"".join(rng.choice(atoms) for _ in range(rng.randint(0, 12)))
        expected = urllib.parse.parse_qs(
            qs.decode("latin-1"), keep_blank_values=True, encoding="utf-8"
        )
        assert parse_query(qs) == expected, qs
