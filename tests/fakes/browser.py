"""A headless stand-in for the system browser in msal's interactive (authorization code) flow.

msal opens the authorize URL with :func:`webbrowser.open` and waits on a localhost listener for
the ``form_post`` answer. Tests patch ``webbrowser.open`` with :meth:`FakeBrowser.open`, which
does what a browser does with the fake authority's page: GET it (trusting only the test CA),
then submit its auto-posting form to the redirect URI. It works in a thread because msal starts
serving its listener only after ``open`` returns.
"""

from __future__ import annotations

import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import requests


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and self.action is None:
            self.action = a.get("action")
        elif tag == "input" and a.get("type") == "hidden" and a.get("name"):
            self.fields[a["name"]] = a.get("value", "")


class FakeBrowser:
    """Counts what it opened; ``errors`` holds anything that went wrong in its thread."""

    def __init__(self, ca_file: str | Path, timeout: float = 10.0) -> None:
        self.ca_file = str(ca_file)
        self.timeout = timeout
        self.opened: list[str] = []
        self.errors: list[str] = []
        self._threads: list[threading.Thread] = []

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        self.opened.append(url)
        thread = threading.Thread(target=self._visit, args=(url,), daemon=True)
        self._threads.append(thread)
        thread.start()
        return True

    def join(self, timeout: float = 10.0) -> None:
        for thread in self._threads:
            thread.join(timeout)

    def _visit(self, url: str) -> None:
        try:
            with requests.Session() as s:
                s.trust_env = False  # no proxies, no REQUESTS_CA_BUNDLE
                page = s.get(url, verify=self.ca_file, timeout=self.timeout, allow_redirects=False)
                if page.is_redirect:
                    target = page.headers["Location"]
                    if urlsplit(target).hostname not in ("localhost", "127.0.0.1"):
                        raise RuntimeError(f"refusing to follow a redirect off loopback: {target}")
                    s.get(target, timeout=self.timeout)
                    return
                form = _FormParser()
                form.feed(page.text)
                if not form.action:
                    raise RuntimeError(f"no form on the authorize page (HTTP {page.status_code})")
                if urlsplit(form.action).hostname not in ("localhost", "127.0.0.1"):
                    raise RuntimeError(f"refusing to post off loopback: {form.action}")
                s.post(form.action, data=form.fields, timeout=self.timeout)
        except Exception as exc:  # reported to the test through .errors
            self.errors.append(f"{type(exc).__name__}: {exc}")
