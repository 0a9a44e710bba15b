"""Frozen, slotted dataclasses built faster.

Why: the generated ``__init__`` of a frozen dataclass sets each field with
``object.__setattr__``, which costs twice what setting a slot through its
descriptor does; the ingest builds a line, a match, a provenance or a
record for every line and every fact, so that is a visible share of its
time.  :func:`slot_init` keeps everything else the dataclass's own.
"""

from __future__ import annotations

import dataclasses
import types
from typing import Any, TypeVar

_T = TypeVar("_T")


def slot_init(cls: type[_T]) -> type[_T]:
    """``cls`` (a slotted dataclass) with an ``__init__`` that fills its
    slots through their descriptors: the same signature, defaults and
    ``__post_init__``; immutability, equality, hashing, ``replace`` and
    pickling stay the dataclass's own.  A class of another shape (a field
    with a factory, keyword-only or not in ``__init__``, no slots) keeps
    the generated ``__init__``."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    namespace: dict[str, Any] = {}
    params: list[str] = []
    body: list[str] = []
    for f in fields:
        if f.default_factory is not dataclasses.MISSING or not f.init or f.kw_only:
            return cls  # not the simple shape this builds for: keep the dataclass's
        slot = getattr(cls, f.name, None)
        if not isinstance(slot, types.MemberDescriptorType):
            return cls
        namespace[f"_s_{f.name}"] = slot.__set__
        if f.default is dataclasses.MISSING:
            params.append(f.name)
        else:
            namespace[f"_d_{f.name}"] = f.default
            params.append(f"{f.name}=_d_{f.name}")
        body.append(f"    _s_{f.name}(self, {f.name})")
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    source = f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body or ["    pass"])
    exec(source, namespace)  # the source is built above from the field names only
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init  # type: ignore[method-assign]
    return cls
