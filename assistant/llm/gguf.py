"""Reads the key-value header of a GGUF model file: the magic, the version and chosen keys.

``read_kv(path, want)`` returns the header's scalar and string values, stopping early at
``want``; arrays (the tokenizer's vocabulary) are skipped, not read. ``chat_template(path)``
is the one key footnote needs before starting a local model. Problems raise ``GGUFError``
(a ``ValueError``) with a short reason. This module does not load tensors, start a server
or judge whether a model is any good.

Hand-written on purpose: the ``gguf`` package would pull in numpy-heavy dependencies for
reading two keys (the magic and ``tokenizer.chat_template``).
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any, BinaryIO

MAGIC = b"GGUF"
CHAT_TEMPLATE = "tokenizer.chat_template"
_STRING, _ARRAY = 8, 9
_SCALAR = {
    0: "<B",
    1: "<b",
    2: "<H",
    3: "<h",
    4: "<I",
    5: "<i",
    6: "<f",
    7: "<?",
    10: "<Q",
    11: "<q",
    12: "<d",
}
_MAX_STRING = 64 << 20  # no real key or value is this long: the file is damaged


class GGUFError(ValueError):
    """The file is not a readable GGUF model."""


class _Reader:
    def __init__(self, f: BinaryIO) -> None:
        self.f = f

    def bytes(self, n: int) -> bytes:
        data = self.f.read(n)
        if len(data) != n:
            raise GGUFError("the GGUF header is truncated")
        return data

    def u32(self) -> int:
        return struct.unpack("<I", self.bytes(4))[0]

    def u64(self) -> int:
        return struct.unpack("<Q", self.bytes(8))[0]

    def string(self) -> str:
        n = self.u64()
        if n > _MAX_STRING:
            raise GGUFError("the GGUF header has an implausible string length")
        return self.bytes(n).decode("utf-8", "replace")

    def scalar(self, kind: int) -> Any:
        fmt = _SCALAR[kind]
        return struct.unpack(fmt, self.bytes(struct.calcsize(fmt)))[0]

    def skip(self, kind: int) -> None:
        if kind in _SCALAR:
            self.f.seek(struct.calcsize(_SCALAR[kind]), 1)
        elif kind == _STRING:
            self.f.seek(self.u64(), 1)
        elif kind == _ARRAY:
            item, count = self.u32(), self.u64()
            if item in _SCALAR:
                self.f.seek(struct.calcsize(_SCALAR[item]) * count, 1)
            else:
                for _ in range(count):
                    self.skip(item)
        else:
            raise GGUFError(f"the GGUF header has an unknown value type ({kind})")


def read_kv(path: str | Path, want: str | None = None) -> dict[str, Any]:
    """The header's keys and values (``None`` for arrays), up to and including ``want``."""
    out: dict[str, Any] = {}
    with open(path, "rb") as f:
        r = _Reader(f)
        if f.read(4) != MAGIC:
            raise GGUFError("it is not a GGUF file (wrong magic bytes)")
        version = r.u32()
        if version not in (2, 3):
            raise GGUFError(f"GGUF version {version} is not supported")
        r.u64()  # tensor count
        for _ in range(r.u64()):
            key, kind = r.string(), r.u32()
            if kind == _STRING:
                out[key] = r.string()
            elif kind in _SCALAR:
                out[key] = r.scalar(kind)
            else:
                r.skip(kind)
                out[key] = None
            if key == want:
                break
    return out


def chat_template(path: str | Path) -> str | None:
    """The model's own chat template (Jinja text), or None when the file has none."""
    value = read_kv(path, want=CHAT_TEMPLATE).get(CHAT_TEMPLATE)
    return value if isinstance(value, str) and value.strip() else None
