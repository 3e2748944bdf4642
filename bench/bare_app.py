"""The baseline of `bench_serve.py`: a bare FastAPI endpoint returning a constant body of a given size and
media type (`BARE_SIZE`, `BARE_TYPE`), with the same route shape as a bbfair resource GET."""

from __future__ import annotations

import os

from fastapi import FastAPI
from fastapi.responses import Response

BODY = b"x" * int(os.environ.get("BARE_SIZE", "16000"))
MEDIA = os.environ.get("BARE_TYPE", "text/turtle; charset=utf-8")
app = FastAPI()


@app.get("/{path:path}")
async def constant(path: str) -> Response:
    return Response(BODY, media_type=MEDIA)
