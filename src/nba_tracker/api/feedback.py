"""``POST /feedback``: a reader says a badge is wrong, in one click and without an account.

``{"article": "<id>", "badge": "category" | "status", "suggested": "<label>"?}`` →
201 ``{"id": …, "badge": …, "label": …, "suggested": …}``.

- **Rate limit**: ``FLAG_LIMIT`` flags per client per ``FLAG_WINDOW``, counted in the
  database (every API process shares the count) and answered 429 with ``Retry-After``
  (the seconds until the client's oldest flag in the window leaves it).
- **Client key**: the address the app already resolved (``auth.client_address``, after
  ``TrustedProxy``), hashed with HMAC-SHA256 under a key derived from the API token,
  so the stored key is stable across processes but names no address. Without a token
  (a laptop) the key is random per process.
- **CSRF-safe**: only ``application/json`` bodies are read (an HTML form cannot send
  one, and a cross-site ``fetch`` of it needs a CORS preflight this path never grants:
  it is outside ``/api/``), and a browser's ``Origin`` / ``Sec-Fetch-Site`` must say the
  request comes from the page itself.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from nba_tracker.api.auth import client_address
from nba_tracker.api.deps import run_db
from nba_tracker.errors import QueryError
from nba_tracker.settings import Settings
from nba_tracker.store import feedback as store
from nba_tracker.store.engine import Session

router = APIRouter(include_in_schema=False)

PATH = "/feedback"
FLAG_LIMIT = 20
FLAG_WINDOW = timedelta(hours=1)
_PROCESS_KEY = secrets.token_bytes(32)


def hash_key(settings: Settings) -> bytes:
    """The HMAC key for client addresses: derived from the API token (one key for every
    process of a deployment, never the token itself), else this process's own."""
    if settings.api_token is None:
        return _PROCESS_KEY
    token = settings.api_token.get_secret_value().encode()
    return hmac.new(token, b"nba-tracker feedback client key", hashlib.sha256).digest()


def client_key(key: bytes, address: str) -> str:
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:32]


def _error(status: int, message: str, **headers: str) -> JSONResponse:
    return JSONResponse(
        {"error": message}, status_code=status, headers={"Cache-Control": "no-store", **headers}
    )


def _same_origin(request: Request) -> bool:
    """A browser says where a request comes from; it must be this site. Clients that say
    nothing (curl, scripts) are not a cross-site risk and are only rate-limited."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in {"same-origin", "none"}:
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    host = request.headers.get("host", "")
    return urlsplit(origin).netloc.lower() == host.lower() and origin != "null"


def _body(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw)
    except ValueError:
        raise QueryError("the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise QueryError("the body must be a JSON object")
    return body


@router.post(PATH)
async def flag_badge(request: Request) -> JSONResponse:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        return _error(415, "send the flag as application/json")
    if not _same_origin(request):
        return _error(403, "flags are accepted from the tracker's own page only")
    try:
        body = _body(await request.body())
        article = body.get("article")
        if not isinstance(article, str) or not article.strip():
            raise QueryError("article must be the article's id")
        badge = store.parse_badge(body.get("badge"))
        suggested = store.parse_suggestion(badge, body.get("suggested"))
    except QueryError as exc:
        return _error(400, exc.message)
    key = client_key(request.app.state.feedback_key, client_address(request.scope))
    now = datetime.now(UTC)

    def work(session: Session) -> store.Flagged | None | int:
        """The flag stored, None for no such article, or the seconds until the client's
        oldest flag in the window leaves it."""
        since = now - FLAG_WINDOW
        with session.begin():
            if store.flags_since(session, key, since) >= FLAG_LIMIT:
                oldest = store.oldest_flag_since(session, key, since) or now
                return max(1, math.ceil((oldest + FLAG_WINDOW - now).total_seconds()))
            return store.flag(session, article.strip(), badge, suggested, key, now)

    try:
        result = await run_db(request.app.state.sessionmaker, work)
    except QueryError as exc:
        return _error(400, exc.message)
    if isinstance(result, int):
        return _error(
            429,
            f"at most {FLAG_LIMIT} flags an hour from one address; thank you, try later",
            **{"Retry-After": str(result)},
        )
    if result is None:
        return _error(404, "no such article")
    return JSONResponse(
        {
            "id": result.id,
            "article": result.article_uid,
            "badge": result.badge,
            "label": result.label,
            "suggested": result.suggested,
        },
        status_code=201,
        headers={"Cache-Control": "no-store"},
    )
