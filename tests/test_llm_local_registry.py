"""The local servers' registry: one server per spec, shared and counted, and a model loading
for one spec never holds up users of another (fakes for the server: the seam is ours)."""

from __future__ import annotations

import threading
import time
from typing import ClassVar

from assistant.llm import local
from assistant.llm.local import ServerSpec


class FakeServer:
    started: ClassVar[list[str]] = []

    def __init__(self, spec: ServerSpec) -> None:
        if spec.model == "slow.gguf":
            time.sleep(1.0)  # a big model loading
        self.spec, self.running = spec, True
        FakeServer.started.append(spec.model)

    def stop(self) -> None:
        self.running = False


def test_servers_are_shared_and_a_slow_load_does_not_block_another_spec(monkeypatch):
    monkeypatch.setattr(local, "LocalServer", FakeServer)
    monkeypatch.setattr(local, "check_model", lambda spec: None)
    FakeServer.started = []
    slow, fast = ServerSpec(model="slow.gguf"), ServerSpec(model="fast.gguf")
    loader = threading.Thread(target=local.acquire, args=(slow,))
    loader.start()
    time.sleep(0.1)  # the slow model is loading now
    began = time.monotonic()
    a = local.acquire(fast)
    b = local.acquire(fast)
    assert time.monotonic() - began < 0.5, "another spec waited for the slow load"
    assert a is b and FakeServer.started.count("fast.gguf") == 1
    local.release(a)
    assert b.running  # one user left
    local.release(b)
    assert not b.running  # the last user out stops it
    loader.join()
    (loaded,) = [s for s in local.running() if s.spec == slow]
    local.release(loaded)  # only this test's servers: a real one of the session may be running
    assert not loaded.running and all(s.spec != slow for s in local.running())
