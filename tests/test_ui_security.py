"""Security of the running UI over plain HTTP: no file leaks, no CORS echo, safe defaults."""

from __future__ import annotations

import http.client
from urllib.parse import quote, urlparse

import pytest
from gradio_client import Client

from assistant.ui import build_app
from tests.conftest import SEED
from tests.test_ui_support import index_factory, post_upload, serve

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ui(seed_bot, encoder, tmp_path_factory):
    root = tmp_path_factory.mktemp("ui-sec")
    app = build_app(seed_bot, factory=index_factory(root, encoder, [SEED]), uploads_dir=root / "uploads")
    url = serve(app)
    client = Client(url, verbose=False)
    info = client.predict(
        "A secret-ish note.\n\nIt has two paragraphs.", "Private note", api_name="/add_text"
    )
    uploaded = next((root / "uploads" / info["key"]).glob("*.txt"))
    yield {"url": url, "app": app, "index": seed_bot.index_dir, "uploaded": uploaded}
    app.close()


def raw_get(url: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET ``path`` exactly as written (no client-side normalisation of ``..`` or ``%2e``)."""
    u = urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    conn.putrequest("GET", path, skip_accept_encoding=True)
    for k, v in (headers or {}).items():
        conn.putheader(k, v)
    conn.endheaders()
    resp = conn.getresponse()
    body = resp.read()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body


def file_paths(ui) -> list[tuple[str, bytes]]:
    """(request path, bytes that must not come back) for each attack."""
    passwd = b"root:"
    manifest = (ui["index"] / "CURRENT" / "manifest.json").resolve()
    uploaded = ui["uploaded"]
    return [
        ("/gradio_api/file=/etc/passwd", passwd),
        ("/gradio_api/file=" + quote("/etc/passwd", safe=""), passwd),
        ("/gradio_api/file=../../../../../../etc/passwd", passwd),
        ("/gradio_api/file=%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", passwd),
        ("/gradio_api/file=%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd", passwd),
        ("/gradio_api/file=%252e%252e/%252e%252e/etc/passwd", passwd),
        ("/gradio_api/file=/tmp/../etc/passwd", passwd),
        ("/gradio_api/file=/tmp/%2e%2e/etc/passwd", passwd),
        ("/file=/etc/passwd", passwd),
        ("/gradio_api/file=" + str(manifest), b'"model"'),
        ("/gradio_api/file=" + str(ui["index"]), b'"model"'),
        ("/gradio_api/file=" + str(uploaded), b"secret-ish"),
        ("/gradio_api/file=" + str(SEED), b"Vladivostok"),
    ]


def upload_bytes(url: str, name: str, data: bytes) -> str:
    """POST a file to Gradio's upload route; return the server path it was stored at."""
    import json

    status, body = post_upload(url, name, data, timeout=10)
    assert status == 200
    return json.loads(body)[0]


def test_file_route_never_returns_private_or_system_files(ui):
    # Control: the route does serve a file a user uploaded (so the refusals below mean something).
    served = upload_bytes(ui["url"], "note.txt", b"uploaded-marker")
    status, _h, body = raw_get(ui["url"], "/gradio_api/file=" + served)
    assert status == 200 and body == b"uploaded-marker"
    for path, secret in file_paths(ui):
        status, _headers, body = raw_get(ui["url"], path)
        assert not (status == 200 and secret in body), f"{path} leaked ({status})"
        assert status >= 400, f"{path} answered {status}"


def test_a_cross_origin_request_is_not_echoed(ui):
    evil = "http://evil.example"
    for path in ("/", "/gradio_api/info", "/config"):
        _status, headers, _body = raw_get(ui["url"], path, {"Origin": evil})
        assert headers.get("access-control-allow-origin") not in (evil, "*"), path
        assert headers.get("access-control-allow-credentials") != "true" or (
            headers.get("access-control-allow-origin") != evil
        )
    u = urlparse(ui["url"])
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    conn.request(
        "OPTIONS",
        "/gradio_api/queue/join",
        headers={"Origin": evil, "Access-Control-Request-Method": "POST"},
    )
    resp = conn.getresponse()
    resp.read()
    assert resp.getheader("access-control-allow-origin") not in (evil, "*")


def test_safe_defaults_are_in_force(ui):
    app = ui["app"]
    assert urlparse(ui["url"]).hostname == "127.0.0.1"
    assert app.share is False and app.analytics_enabled is False
    assert app.max_file_size and app.max_file_size <= 2_000_000
    assert app._queue.max_size is not None
    assert app.config["enable_queue"] is True if "enable_queue" in app.config else True
    private = {str(ui["index"].resolve()), str(ui["uploaded"].parent.parent.resolve())}
    assert private <= set(app.footnote_private_paths)
    status, _h, body = raw_get(ui["url"], "/monitoring")
    assert status >= 400 or b"monitoring" not in body.lower()
