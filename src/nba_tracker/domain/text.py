"""Plain text from the HTML fragments feeds put in titles and descriptions, and the one
sanitiser every stored text field goes through."""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

_BLOCK_TAGS = frozenset(
    {
        "p",
        "br",
        "div",
        "li",
        "ul",
        "ol",
        "tr",
        "td",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
    }
)
_SKIP_TAGS = frozenset({"script", "style", "template", "noscript"})
_WS = re.compile(r"\s+")
# Feeds append boilerplate such as "The post X appeared first on Y." or "[…]".
_TRAILERS = re.compile(
    r"(?:\s*The post .{1,300}? appeared first on .{1,120}?\.?\s*$)|(?:\s*\[(?:…|\.\.\.|&#8230;)\]\s*$)",
    re.IGNORECASE,
)


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip_depth += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS and self._skip_depth:
            self._skip_depth -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


# C0 and C1 controls (tab, newline and carriage return become spaces first), DEL,
# surrogates (what a decoder makes of invalid UTF-8 with ``surrogateescape``), the
# noncharacters, and U+FFFE/U+FFFF: none is text, several are not even XML, and NUL is
# refused by PostgreSQL outright.
_NOT_TEXT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)
# Bidirectional embeddings, overrides and isolates: in a headline they only serve to make
# text display differently from what it says ("evil\u202egpj.exe").
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")
_LINE_BREAKS = re.compile("[\t\n\r\u2028\u2029\x85]")


def clean_text(value: str | None) -> str:
    """What every text field from outside is reduced to before it is stored: control
    characters, NUL, lone surrogates (invalid UTF-8), noncharacters and bidi overrides
    removed; line breaks and tabs become spaces. Meaningful text is untouched."""
    if not value:
        return ""
    text = _LINE_BREAKS.sub(" ", value)
    text = _NOT_TEXT.sub("", text)
    return _BIDI_CONTROLS.sub("", text)


def safe_bytes_text(raw: bytes) -> str:
    """Bytes that should be UTF-8 as text: each invalid sequence becomes U+FFFD on its
    own, never a reason to re-read the whole document in another encoding."""
    return raw.decode("utf-8", errors="replace")


def html_to_text(fragment: str | None, max_chars: int | None = None) -> str:
    """Tags removed, entities decoded (``&#1;`` included, then cleaned away), whitespace
    collapsed, :func:`clean_text` applied; bounded by ``max_chars``."""
    if not fragment:
        return ""
    if "<" in fragment or "&" in fragment:
        parser = _TextCollector()
        parser.feed(fragment)
        parser.close()
        text = "".join(parser.parts)
    else:
        text = fragment
    text = unicodedata.normalize("NFC", clean_text(text.replace("\u00a0", " ")))
    text = _WS.sub(" ", text).strip()
    text = _TRAILERS.sub("", text).strip()
    if max_chars is not None and len(text) > max_chars:
        text = text[: max_chars - 1].rstrip() + "…"
    return text


# Query parameters whose values are credentials: api_key, token, sig, X-Amz-Signature …
_SECRET_PARAM = re.compile(
    r"(key|token|secret|passw|pwd|auth|sig|session|credential|ticket|code)", re.IGNORECASE
)


def public_location(location: str) -> str:
    """A feed's location as anyone may see it: no user or password, secret-looking query
    values replaced by ``REDACTED``, and a local file shown by its name only."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(location.strip())
    if parts.scheme.lower() not in {"http", "https"}:
        name = location.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
        return f"file:{name}" if name else "file"
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if "@" not in parts.netloc and not any(_SECRET_PARAM.search(k) for k, _ in pairs):
        return location
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = f"{host}:{port}" if port else host
    query = urlencode(
        [(k, "REDACTED" if _SECRET_PARAM.search(k) else v) for k, v in pairs],
        safe="+",
    )
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, query, ""))
