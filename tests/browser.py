"""Headless Chromium for tests: Debian's /usr/bin/chromium driven by Playwright, with the network cut off.

Where no browser is installed the test is skipped with a reason; under CI (CI=true) a missing browser is a
failure, since .ci/run installs it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str:
    """Path of the Chromium binary, or skip (fail under CI) when there is none."""
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("no Chromium found, but CI=true: .ci/run should have installed Debian's chromium")
    pytest.skip("no Chromium on this machine (apt-get install chromium to run browser tests)")


@dataclass
class PageLog:
    """What a page did: console errors, uncaught exceptions and the network requests it tried."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    network_requests: list[str] = field(default_factory=list)


@contextmanager
def offline_page(allow_hosts: tuple[str, ...] = ()) -> Iterator[tuple[Any, PageLog]]:
    """A Playwright page in headless Chromium where every http(s) request (except to allow_hosts) is
    aborted and recorded, and console errors are collected."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    log = PageLog()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()

            def route(route: Any) -> None:
                url = route.request.url
                host = url.split("/")[2] if "://" in url else ""
                if url.startswith(("http://", "https://", "ws://", "wss://")) and host.split(":")[0] not in allow_hosts:
                    log.network_requests.append(url)
                    route.abort()
                else:
                    route.continue_()

            context.route("**/*", route)
            page = context.new_page()
            page.on("console", lambda msg: log.console_errors.append(msg.text) if msg.type == "error" else None)
            page.on("pageerror", lambda exc: log.page_errors.append(str(exc)))
            yield page, log
        finally:
            browser.close()
