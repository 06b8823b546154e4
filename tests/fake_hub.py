"""A Hugging Face hub on 127.0.0.1: enough of its HTTP API for `huggingface_hub.snapshot_download` to
fetch a saved model folder into an HF cache, the way it fetches from huggingface.co.

    hub = FakeHub({"org/tiny": folder}).start()      # HF_ENDPOINT=hub.url
    hub.drop["model.safetensors"] = [1000]           # the next GET of that file is cut after 1000 bytes
    hub.stop()                                       # the hub goes away: connection refused
    FakeHub({...}, claims={"model.safetensors": 10**15})  # the listing and HEAD claim that size

What the client asks, and what this answers (as huggingface.co does):
- `GET /api/models/{repo}/revision/{rev}`: `{"id", "sha", "siblings"}`; an unknown repository is a 404
  with `X-Error-Code: RepoNotFound`.
- `GET /api/models/{repo}/tree/{sha}?recursive=…`: one page of `{"type": "file", "path", "size", "oid",
  "lfs"}` (weights are LFS files: `lfs.oid` is their sha256).
- `HEAD /{repo}/resolve/{rev}/{file}`: `X-Repo-Commit`, `ETag` (the git blob sha1; for LFS files a 302
  to a CDN address with `X-Linked-Etag` = sha256 and `X-Linked-Size`, as the hub does).
- `GET` of the file (or of the CDN address): the bytes, `Accept-Ranges: bytes`, and a `206` with
  `Content-Range` for a `Range: bytes=N-` request (how the client resumes a cut download).
Every request is recorded in `requests` as (method, path, Range header).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlparse

LFS = (".safetensors", ".bin", ".gguf")


class Repo:
    def __init__(self, repo_id: str, folder: Path, claims: dict[str, int] | None = None):
        self.id, self.folder, self.claims = repo_id, Path(folder), claims or {}
        self.files = {p.relative_to(self.folder).as_posix(): p.read_bytes()
                      for p in sorted(self.folder.rglob("*")) if p.is_file()}
        self.sha = hashlib.sha1("".join(f + hashlib.sha1(b).hexdigest() for f, b in self.files.items())
                                .encode()).hexdigest()

    @staticmethod
    def git_oid(data: bytes) -> str:
        return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()

    def entry(self, path: str) -> dict:
        data = self.files[path]
        size = self.claims.get(path, len(data))
        out = {"type": "file", "path": path, "size": size, "oid": self.git_oid(data)}
        if path.endswith(LFS):
            out["lfs"] = {"oid": hashlib.sha256(data).hexdigest(), "size": size, "pointerSize": 134}
        return out


class FakeHub:
    def __init__(self, repos: dict[str, Path], claims: dict[str, int] | None = None):
        self.repos = {rid: Repo(rid, folder, claims) for rid, folder in repos.items()}
        self.requests: list[tuple[str, str, str | None]] = []
        self.drop: dict[str, list[int]] = {}  # file name -> byte counts: each next GET is cut there
        self.bytes_sent = 0
        self.pause_s = 0.0  # after every 64 KB sent: a slow network, so progress can be watched
        self._servers: list[ThreadingHTTPServer] = []
        self.port = self.cdn_port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def cdn_url(self) -> str:
        """Another origin (as cdn-lfs.hf.co is): the client does not follow the hub's 302 there on HEAD."""
        return f"http://127.0.0.1:{self.cdn_port}"

    def start(self) -> FakeHub:
        hub = self

        class Handler(_Handler):
            pass

        Handler.hub = hub
        for _ in range(2):
            server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, name="fake-hub", daemon=True).start()
            self._servers.append(server)
        self.port, self.cdn_port = (s.server_address[1] for s in self._servers)
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers = []

    def gets(self, filename: str) -> list[str | None]:
        """The Range header of every GET of `filename` (None: from the start)."""
        return [r for m, p, r in self.requests if m == "GET" and p.endswith("/" + filename)]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    hub: FakeHub

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_HEAD(self) -> None:
        self._route(head=True)

    def do_GET(self) -> None:
        self._route(head=False)

    def _route(self, head: bool) -> None:
        url = urlparse(self.path)
        path = unquote(url.path)
        self.hub.requests.append((self.command, path, self.headers.get("Range")))
        if m := re.fullmatch(r"/api/models/(.+?)/revision/([^/]+)", path):
            return self._info(m[1])
        if m := re.fullmatch(r"/api/models/(.+?)/tree/([^/]+)(/.*)?", path):
            return self._tree(m[1])
        if m := re.fullmatch(r"/cdn/([^/]+/[^/]+)/([0-9a-f]{64})/(.+)", path):
            return self._file(m[1], m[3], head, cdn=True)
        if m := re.fullmatch(r"/([^/]+/[^/]+)/resolve/([^/]+)/(.+)", path):
            return self._file(m[1], m[3], head, cdn=False)
        self._json({"error": "not found"}, 404)

    def _json(self, body, status: int = 200, headers: dict | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _repo(self, repo_id: str) -> Repo | None:
        repo = self.hub.repos.get(repo_id)
        if repo is None:
            self._json({"error": "Repository not found"}, 404, {"X-Error-Code": "RepoNotFound"})
        return repo

    def _info(self, repo_id: str) -> None:
        if repo := self._repo(repo_id):
            self._json({"id": repo.id, "sha": repo.sha, "private": False, "gated": False,
                        "siblings": [{"rfilename": f} for f in repo.files]})

    def _tree(self, repo_id: str) -> None:
        if repo := self._repo(repo_id):
            self._json([repo.entry(f) for f in repo.files])

    def _file(self, repo_id: str, filename: str, head: bool, cdn: bool) -> None:
        repo = self._repo(repo_id)
        if repo is None:
            return
        if filename not in repo.files:
            return self._json({"error": "Entry not found"}, 404,
                              {"X-Error-Code": "EntryNotFound", "X-Repo-Commit": repo.sha})
        data, entry = repo.files[filename], repo.entry(filename)
        if "lfs" in entry and not cdn:  # the hub sends LFS files to its CDN
            sha256 = entry["lfs"]["oid"]
            self.send_response(302)
            self.send_header("Location", f"{self.hub.cdn_url}/cdn/{repo_id}/{sha256}/{filename}")
            self.send_header("X-Repo-Commit", repo.sha)
            self.send_header("X-Linked-Etag", f'"{sha256}"')
            self.send_header("X-Linked-Size", str(entry["size"]))
            self.send_header("ETag", f'"{entry["oid"]}"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        start = 0
        if m := re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range") or ""):
            start = int(m[1])
        self.send_response(206 if start else 200)
        self.send_header("Content-Length", str(len(data) - start))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", f'"{entry.get("lfs", {}).get("oid", entry["oid"])}"')
        self.send_header("X-Repo-Commit", repo.sha)
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.end_headers()
        if head:
            return
        body = data[start:]
        cuts = self.hub.drop.get(filename)
        if cuts:  # the connection drops mid-file: send part of the body, then close
            body = body[:cuts.pop(0)]
            self.close_connection = True
        for i in range(0, len(body), 2**16):
            self.wfile.write(body[i:i + 2**16])
            self.wfile.flush()
            self.hub.bytes_sent += len(body[i:i + 2**16])
            time.sleep(self.hub.pause_s)
