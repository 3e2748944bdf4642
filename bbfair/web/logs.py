"""How the server logs: plain lines for a person at a terminal, or JSON lines (`--log-json`) for a platform's log
collector, every line then one JSON object (uvicorn's own lines, bbfair's, and one line per request)."""

from __future__ import annotations

import copy
import json
import logging
from datetime import UTC, datetime
from typing import Any

#: the logger of the per-request lines (`web.ops`)
ACCESS = "bbfair.access"


class JsonLines(logging.Formatter):
    """A log record as one JSON object: time (UTC), level, logger, message, and the record's `fields` (the
    request's, for access lines)."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage()}
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            out.update(fields)
        if record.exc_info:
            out["error"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def config(json_lines: bool, level: str = "info") -> dict[str, Any]:
    """The `logging.config.dictConfig` uvicorn is started with: its own loggers, bbfair's (`bbfair.replica`
    says when a build is switched in or refused) and, with `json_lines`, the access lines on stdout."""
    from uvicorn.config import LOGGING_CONFIG

    conf = copy.deepcopy(LOGGING_CONFIG)
    conf["formatters"]["bbfair"] = {"format": "%(levelname)s:     %(name)s: %(message)s"}
    conf["handlers"]["bbfair"] = {"class": "logging.StreamHandler", "formatter": "bbfair",
                                  "stream": "ext://sys.stderr"}
    conf["loggers"]["bbfair"] = {"handlers": ["bbfair"], "level": level.upper(), "propagate": False}
    if json_lines:
        conf["formatters"] = {"json": {"()": f"{__name__}.JsonLines"}}
        for handler in conf["handlers"].values():
            handler["formatter"] = "json"
            handler["stream"] = "ext://sys.stdout"
        conf["loggers"][ACCESS] = {"handlers": ["bbfair"], "level": "INFO", "propagate": False}
    return conf
