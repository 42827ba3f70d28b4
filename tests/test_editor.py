"""Editor completion from the committed schema, through the real yaml-language-server over stdio.

The server is installed by `scripts/setup.sh --test` (npm, pinned) into .venv/node. A spec names the schema
with the `# yaml-language-server: $schema=…` line every spec carries.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from pathlib import Path

import pytest

from compute import registry
from renderer.project import ROOT

SERVER = ROOT / ".venv" / "node" / "node_modules" / ".bin" / "yaml-language-server"
SCHEMA = ROOT / "schema" / "diagram.schema.json"


class Server:
    """A yaml-language-server process spoken to in JSON-RPC over stdio."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([str(SERVER), "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.inbox: queue.Queue = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()
        self.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
        self.notify("initialized", {})

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            length = None
            while (line := out.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if line == b"" or length is None:
                return
            self.inbox.put(json.loads(out.read(length)))

    def _send(self, msg: dict) -> None:
        data = json.dumps({"jsonrpc": "2.0", **msg}).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(data), data))
        self.proc.stdin.flush()

    def notify(self, method: str, params: dict) -> None:
        self._send({"method": method, "params": params})

    def wait(self, match, timeout: float = 120) -> dict:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            msg = self.inbox.get(timeout=max(0.1, end - time.monotonic()))
            if "method" in msg and "id" in msg:  # a request of the server (configuration, …): no settings
                self._send({"id": msg["id"], "result": [None] * len(msg.get("params", {}).get("items", []))})
            elif match(msg):
                return msg
        raise TimeoutError("no answer from yaml-language-server")

    def request(self, method: str, params: dict) -> object:
        self.next_id += 1
        rid = self.next_id
        self._send({"id": rid, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == rid and "method" not in m).get("result")

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()


@pytest.fixture(scope="module")
def server():
    assert SERVER.exists(), "yaml-language-server is not installed: run scripts/setup.sh --test (make setup-test)"
    s = Server()
    yield s
    s.close()


def open_doc(server: Server, tmp_path: Path, text: str) -> str:
    path = tmp_path / "spec.yaml"
    text = f"# yaml-language-server: $schema={SCHEMA.as_uri()}\n" + text
    path.write_text(text)
    uri = path.as_uri()
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1,
                                                            "text": text}})
    return uri


def labels(server: Server, uri: str, line: int, col: int) -> list[str]:
    """Completion labels at (line, col) of the spec text (line 0 is the first line after the schema line)."""
    got = server.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                     "position": {"line": line + 1, "character": col}})
    return sorted(i["label"] for i in (got["items"] if isinstance(got, dict) else got))


SPEC = """\
id: x
chapter: ~
title: {en: T, zh: T}
compute:
  p:
    fn: ~
  q:
    fn: sampling.top_p
    args:
      ~
body:
  box:
    text: a
    role: ~
""".replace("~", "")  # "~" marks where the cursor sits after a trailing space


def test_completes_chapters_functions_their_arguments_and_roles(server, tmp_path):
    uri = open_doc(server, tmp_path, SPEC)
    assert labels(server, uri, 1, 9) == ["decoding", "dpo", "examples", "llm-basics", "llm-extended", "overview",
                                          "policy-optimization", "reasoning", "rl-basics", "rlhf", "sft"]
    assert labels(server, uri, 5, 8) == registry.names()
    assert labels(server, uri, 9, 6) == ["logits", "p", "temperature"]
    roles = labels(server, uri, 13, 10)
    assert {"model", "data", "kept", "removed", "emphasis", "module", "negative"} <= set(roles)
    assert "scale" not in roles  # a list of colours, not a role


def test_argument_completions_say_type_and_default(server, tmp_path):
    uri = open_doc(server, tmp_path, SPEC)
    got = server.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                     "position": {"line": 10, "character": 6}})
    docs = {i["label"]: json.dumps(i.get("documentation", "")) for i in got["items"]}
    assert "list[float]" in docs["logits"] and "float, default 1.0" in docs["temperature"], docs


def test_an_unknown_key_is_a_diagnostic(server, tmp_path):
    uri = open_doc(server, tmp_path, SPEC.replace("    text: a\n", "    text: a\n    colour: model\n"))
    msg = server.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                      and m["params"]["uri"] == uri and m["params"]["diagnostics"])
    found = [(d["range"]["start"]["line"] - 1, d["message"]) for d in msg["params"]["diagnostics"]]
    assert any(line == 13 and "colour" in text for line, text in found), found


def test_every_field_of_the_schema_has_a_description():
    schema = json.loads(SCHEMA.read_text())
    missing = [f"{name}.{key}" for name, node in [("Diagram", schema), *schema["$defs"].items()]
               for key, prop in node.get("properties", {}).items() if "description" not in prop]
    assert missing == []
