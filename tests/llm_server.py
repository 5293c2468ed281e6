"""A scripted OpenAI-compatible HTTP server on 127.0.0.1, for the LLM backend's tests.

It speaks enough of the API for the real ``openai`` client and LlamaIndex's ``OpenAILike``:
``GET /v1/models`` and ``POST /v1/chat/completions``, plain JSON or, with ``stream=true``,
server-sent events over chunked HTTP/1.1. Each chat request takes the next step of the
test's script (a reply, an HTTP error, a delay, a stream cut mid-answer) or, when a step is
a function, the step it returns for that request's JSON. Every request is recorded
(path, headers, JSON body) so tests can assert on what was sent. No model runs here.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODEL = "test-model"
# Top log-probabilities of a one-token judge reply that says Yes, or No.
YES = [("Yes", -0.05), ("No", -3.0)]
NO = [("No", -0.05), ("Yes", -3.0)]


@dataclass
class Step:
    """What the server does with one chat request."""

    text: str = ""
    finish_reason: str | None = "stop"
    status: int = 200
    error: dict[str, Any] | None = None  # the JSON error body for status >= 400
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (past the client's timeout = a timeout)
    cut_after: int | None = None  # close the connection after this many characters
    chunk_chars: int = 12  # characters per streamed chunk
    pause_after: int | None = None  # stream this many characters, then go quiet for ``pause`` s
    pause: float = 0.0
    body: bytes | None = None  # send exactly this (e.g. a proxy's HTML page) with status 200
    # The first reply token's top (token, logprob) pairs, sent as OpenAI's ``logprobs`` field.
    logprobs: list[tuple[str, float]] | None = None


def reply(text: str, finish_reason: str | None = "stop", **kw: Any) -> Step:
    return Step(text=text, finish_reason=finish_reason, **kw)


def error(status: int, message: str = "scripted error", code: str | None = None, **kw: Any) -> Step:
    body = {"error": {"message": message, "type": "invalid_request_error", "code": code, "param": None}}
    kw.setdefault("headers", {"retry-after-ms": "10"})  # keep the client's backoff short in tests
    return Step(status=status, error=body, **kw)


Script = Step | Callable[[dict[str, Any]], Step]


class ScriptedLLM:
    """The server; use as a context manager or call ``close``."""

    def __init__(self, model: str = MODEL) -> None:
        self.model = model
        self.script: deque[Script] = deque()
        self.requests: list[dict[str, Any]] = []
        self.unscripted = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def add(self, *steps: Script) -> ScriptedLLM:
        self.script.extend(steps)
        return self

    @property
    def chats(self) -> list[dict[str, Any]]:
        """JSON bodies of the chat requests received, in order."""
        return [r["json"] for r in self.requests if r["path"].endswith("/chat/completions")]

    def close(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> ScriptedLLM:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _next(self, body: dict[str, Any]) -> Step:
        with self._lock:
            if not self.script:
                self.unscripted += 1
                return error(500, "no scripted reply left", headers={"x-should-retry": "false"})
            step = self.script.popleft()
        return step(body) if callable(step) else step

    def _handler(self):
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _record(self, body: Any) -> None:
                with outer._lock:
                    outer.requests.append(
                        {
                            "path": self.path,
                            "method": self.command,
                            "headers": {k.lower(): v for k, v in self.headers.items()},
                            "json": body,
                        }
                    )

            def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._record(None)
                if self.path.rstrip("/").endswith("/models"):
                    self._json(200, {"object": "list", "data": [{"id": outer.model, "object": "model"}]})
                else:
                    self._json(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    body = None
                self._record(body)
                if not self.path.rstrip("/").endswith("/chat/completions") or not isinstance(body, dict):
                    self._json(404, {"error": {"message": "not found"}})
                    return
                step = outer._next(body)
                if step.delay and outer._stop.wait(step.delay):
                    return
                try:
                    if step.body is not None:
                        self._raw(step.body)
                    elif step.status >= 400:
                        self._json(step.status, step.error or {}, step.headers)
                    elif body.get("stream"):
                        self._stream(step, body)
                    else:
                        self._complete(step, body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout): nothing to do

            def _raw(self, data: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _complete(self, step: Step, body: dict[str, Any]) -> None:
                payload = {
                    "id": "chatcmpl-test",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": body.get("model", outer.model),
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": step.text},
                            "finish_reason": step.finish_reason,
                        }
                    ],
                    "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
                }
                if step.logprobs is not None:
                    top = [{"token": t, "logprob": lp, "bytes": None} for t, lp in step.logprobs]
                    first = {**top[0], "top_logprobs": top} if top else None
                    payload["choices"][0]["logprobs"] = {"content": [first] if first else []}
                if step.cut_after is None:
                    self._json(200, payload, step.headers)
                    return
                data = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[: step.cut_after])
                self._hang_up()

            def _chunk(self, payload: dict[str, Any] | str) -> None:
                text = payload if isinstance(payload, str) else json.dumps(payload)
                data = f"data: {text}\n\n".encode()
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

            def _stream(self, step: Step, body: dict[str, Any]) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                for k, v in step.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                base = {
                    "id": "chatcmpl-test",
                    "object": "chat.completion.chunk",
                    "created": int(time.time()),
                    "model": body.get("model", outer.model),
                }
                text = step.text if step.cut_after is None else step.text[: step.cut_after]
                paused = False
                for i in range(0, len(text), step.chunk_chars):
                    if step.pause_after is not None and i >= step.pause_after and not paused:
                        paused = True
                        if outer._stop.wait(step.pause):
                            return
                    delta = {"content": text[i : i + step.chunk_chars]}
                    if i == 0:
                        delta["role"] = "assistant"
                    self._chunk({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
                if step.cut_after is not None:
                    self._hang_up()  # no finish_reason, no [DONE], no final chunk
                    return
                self._chunk(
                    {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": step.finish_reason}]}
                )
                self._chunk("[DONE]")
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()

            def _hang_up(self) -> None:
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)

        return Handler
