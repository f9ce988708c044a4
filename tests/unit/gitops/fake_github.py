"""A tiny fake of the GitHub REST API on 127.0.0.1, serving recorded response shapes.

It keeps issues (pull requests are issues too, with a ``pull_request`` key) and their
comments, and the workflows' runs, in memory, serves the endpoints the workflows' glue
uses, paginates as GitHub does (``per_page``, ``page``, a Link header whose URLs use
``/repositories/ID``), enforces the token and the 65,536-character body limit, and records
every request it gets.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

RECORDED = Path(__file__).parent / "recorded"
OWNER, NAME, REPO_ID = "octo-org", "chime-config", 1296269
TOKEN = "ghs_fake_installation_token"
MAX_BODY = 65_536


def recorded(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((RECORDED / f"{name}.json").read_text())
    return data


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]

    @property
    def line(self) -> str:
        """``METHOD /path?query`` with the query sorted, for comparing request sequences."""
        query = f"?{urlencode(sorted(self.query.items()))}" if self.query else ""
        return f"{self.method} {self.path}{query}"


@dataclass
class Fault:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


class FakeGitHub:
    def __init__(self, max_page_size: int = 100) -> None:
        self.max_page_size = max_page_size
        self.issues: dict[int, dict[str, Any]] = {}
        self.comments: dict[int, list[dict[str, Any]]] = {}
        self.requests: list[Request] = []
        self.faults: list[Fault] = []  # served, one per request, before anything else
        # each workflow file's runs, newest first (as GitHub lists them)
        self.workflow_runs: dict[str, list[dict[str, Any]]] = {
            name: [] for name in ("plan.yml", "apply.yml", "drift.yml")
        }
        self._next_id = 1000
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.005}, daemon=True
        )

    # -- lifecycle ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def env(self) -> dict[str, str]:
        return {
            "GITHUB_TOKEN": TOKEN,
            "GITHUB_REPOSITORY": f"{OWNER}/{NAME}",
            "GITHUB_API_URL": self.url,
        }

    def start(self) -> FakeGitHub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- seeding --------------------------------------------------------------------------

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def add_issue(
        self,
        title: str,
        body: str,
        labels: Sequence[str] = (),
        *,
        state: str = "open",
        pull_request: bool = False,
        login: str = "github-actions[bot]",
    ) -> dict[str, Any]:
        number = max(self.issues, default=0) + 1
        issue = recorded("issue")
        base = f"https://api.github.com/repos/{OWNER}/{NAME}"
        issue.update(
            id=self._new_id(),
            number=number,
            title=title,
            body=body,
            state=state,
            url=f"{base}/issues/{number}",
            html_url=f"https://github.com/{OWNER}/{NAME}/{'pull' if pull_request else 'issues'}"
            f"/{number}",
            labels=[self._label(name) for name in labels],
        )
        issue["user"]["login"] = login
        issue["user"]["type"] = "Bot" if login.endswith("[bot]") else "User"
        if pull_request:
            issue["pull_request"] = {
                "url": f"{base}/pulls/{number}",
                "html_url": f"https://github.com/{OWNER}/{NAME}/pull/{number}",
            }
        self.issues[number] = issue
        self.comments[number] = []
        return issue

    def add_comment(self, number: int, body: str, login: str = "octocat") -> dict[str, Any]:
        comment = recorded("issue_comment")
        comment_id = self._new_id()
        comment.update(
            id=comment_id,
            body=body,
            url=f"https://api.github.com/repos/{OWNER}/{NAME}/issues/comments/{comment_id}",
            html_url=f"{self.issues[number]['html_url']}#issuecomment-{comment_id}",
            issue_url=self.issues[number]["url"],
        )
        comment["user"]["login"] = login
        comment["user"]["type"] = "Bot" if login.endswith("[bot]") else "User"
        self.comments[number].append(comment)
        return comment

    def add_workflow_run(
        self, workflow: str, status: str, created_at: str = "2020-01-22T19:33:08Z"
    ) -> dict[str, Any]:
        """A run of ``workflow`` (a file name) with ``status`` (completed, in_progress, ...),
        created (and started: ``run_started_at``; a re-run changes it) at ``created_at``."""
        run = recorded("workflow_run")
        run_id = self._new_id()
        run.update(
            id=run_id,
            status=status,
            created_at=created_at,
            updated_at=created_at,
            run_started_at=created_at,
            conclusion="success" if status == "completed" else None,
            path=f".github/workflows/{workflow}",
            url=f"https://api.github.com/repos/{OWNER}/{NAME}/actions/runs/{run_id}",
            html_url=f"https://github.com/{OWNER}/{NAME}/actions/runs/{run_id}",
        )
        self.workflow_runs[workflow].insert(0, run)
        return run

    def _label(self, name: str) -> dict[str, Any]:
        label = recorded("label")
        label.update(name=name, url=f"https://api.github.com/repos/{OWNER}/{NAME}/labels/{name}")
        return label

    # -- routing --------------------------------------------------------------------------

    def handle(
        self, method: str, path: str, query: dict[str, str], body: Any, headers: dict[str, str]
    ) -> tuple[int, Any, dict[str, str]]:
        with self._lock:
            self.requests.append(Request(method, path, query, body, headers))
            if self.faults:
                fault = self.faults.pop(0)
                return fault.status, fault.body, fault.headers
            if headers.get("authorization") != f"Bearer {TOKEN}":
                return 401, recorded("error_bad_credentials"), {}
            path = re.sub(rf"^/repositories/{REPO_ID}", f"/repos/{OWNER}/{NAME}", path)
            for pattern, verb, action in self._routes():
                match = re.fullmatch(pattern, path)
                if match and verb == method:
                    groups = [int(g) if g.isdigit() else g for g in match.groups()]
                    return action(query, body, *groups)
            return 404, recorded("error_not_found"), {}

    def _routes(self) -> list[tuple[str, str, Any]]:
        repo = rf"/repos/{OWNER}/{NAME}"
        return [
            (rf"{repo}/issues/(\d+)/comments", "GET", self._list_comments),
            (rf"{repo}/issues/(\d+)/comments", "POST", self._create_comment),
            (rf"{repo}/issues/comments/(\d+)", "PATCH", self._update_comment),
            (rf"{repo}/issues", "GET", self._list_issues),
            (rf"{repo}/issues", "POST", self._create_issue),
            (rf"{repo}/issues/(\d+)", "PATCH", self._update_issue),
            (rf"{repo}/actions/workflows/([^/]+)/runs", "GET", self._list_workflow_runs),
            (rf"{repo}/actions/runs/(\d+)", "GET", self._get_workflow_run),
        ]

    def _page(
        self, items: list[dict[str, Any]], query: dict[str, str], path: str
    ) -> tuple[int, Any, dict[str, str]]:
        per_page = min(int(query.get("per_page", 30)), self.max_page_size)
        page = int(query.get("page", 1))
        last = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        links = []
        base = f"{self.url}/repositories/{REPO_ID}{path}"

        def link(n: int, rel: str) -> str:
            return f'<{base}?{urlencode({**query, "page": n})}>; rel="{rel}"'

        if page > 1:
            links += [link(page - 1, "prev"), link(1, "first")]
        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        return 200, copy.deepcopy(chunk), ({"Link": ", ".join(links)} if links else {})

    def _list_comments(self, query: dict[str, str], _body: Any, number: int) -> Any:
        if number not in self.issues:
            return 404, recorded("error_not_found"), {}
        return self._page(self.comments[number], query, f"/issues/{number}/comments")

    def _create_comment(self, _query: dict[str, str], body: Any, number: int) -> Any:
        if number not in self.issues:
            return 404, recorded("error_not_found"), {}
        if len(body["body"]) > MAX_BODY:
            return 422, recorded("error_validation"), {}
        return 201, self.add_comment(number, body["body"], login="github-actions[bot]"), {}

    def _update_comment(self, _query: dict[str, str], body: Any, comment_id: int) -> Any:
        for comments in self.comments.values():
            for comment in comments:
                if comment["id"] == comment_id:
                    if len(body["body"]) > MAX_BODY:
                        return 422, recorded("error_validation"), {}
                    comment["body"] = body["body"]
                    return 200, copy.deepcopy(comment), {}
        return 404, recorded("error_not_found"), {}

    def _list_issues(self, query: dict[str, str], _body: Any) -> Any:
        state = query.get("state", "open")
        wanted = {name for name in query.get("labels", "").split(",") if name}
        items = [
            issue
            for issue in self.issues.values()
            if state in ("all", issue["state"])
            and wanted <= {label["name"] for label in issue["labels"]}
        ]
        items.sort(key=lambda issue: issue["number"], reverse=query.get("direction") != "asc")
        return self._page(items, query, "/issues")

    def _list_workflow_runs(self, query: dict[str, str], _body: Any, workflow: str) -> Any:
        if workflow not in self.workflow_runs:
            return 404, recorded("error_not_found"), {}
        status = query.get("status")
        runs = [r for r in self.workflow_runs[workflow] if status in (None, r["status"])]
        code, page, links = self._page(runs, query, f"/actions/workflows/{workflow}/runs")
        return code, {"total_count": len(runs), "workflow_runs": page}, links

    def _get_workflow_run(self, _query: dict[str, str], _body: Any, run_id: int) -> Any:
        for runs in self.workflow_runs.values():
            for run in runs:
                if run["id"] == run_id:
                    return 200, copy.deepcopy(run), {}
        return 404, recorded("error_not_found"), {}

    def _create_issue(self, _query: dict[str, str], body: Any) -> Any:
        if len(body.get("body", "")) > MAX_BODY:
            return 422, recorded("error_validation"), {}
        issue = self.add_issue(body["title"], body.get("body", ""), list(body.get("labels", [])))
        return 201, copy.deepcopy(issue), {}

    def _update_issue(self, _query: dict[str, str], body: Any, number: int) -> Any:
        if number not in self.issues:
            return 404, recorded("error_not_found"), {}
        issue = self.issues[number]
        if len(body.get("body", "")) > MAX_BODY:
            return 422, recorded("error_validation"), {}
        for key in ("title", "body", "state", "state_reason"):
            if key in body:
                issue[key] = body[key]
        if body.get("state") == "closed":
            issue["closed_at"] = "2024-05-01T06:00:00Z"
        return 200, copy.deepcopy(issue), {}


def _handler_for(fake: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _serve(self) -> None:
            split = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(split.query).items()}
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, data, extra = fake.handle(self.command, split.path, query, body, headers)
            # bytes: served as they are, as a web page (a proxy's or a sign-in page)
            raw_page = isinstance(data, bytes)
            payload = data if raw_page else json.dumps(data).encode()
            self.send_response(status)
            kind = "text/html; charset=utf-8" if raw_page else "application/json; charset=utf-8"
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PATCH = _serve

    return Handler
