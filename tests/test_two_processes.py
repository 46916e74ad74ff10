"""Horizontal scale: two app processes on different ports, one database, one Redis. A change made
through one process's admin is served by the other within DATA_VERSION_SECONDS (1 s)."""

import http.cookiejar
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from html.parser import HTMLParser

import redis
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import TransactionTestCase

from inspections.models import Inspection, Report
from tests.base import load_test_bundle

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


class FormFields(HTMLParser):
    """The values a browser would submit from the page's main form."""

    def __init__(self):
        super().__init__()
        self.fields, self.select, self.textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self.select = [name, None, "multiple" in attrs]
        elif tag == "option" and self.select is not None and "selected" in attrs:
            self.fields.append((self.select[0], attrs.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.fields.append(tuple(self.textarea))
            self.textarea = None


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class TwoProcessTests(TransactionTestCase):
    def setUp(self):
        try:
            redis.Redis.from_url(REDIS_URL).flushdb()
        except redis.RedisError as error:  # pragma: no cover - Redis runs on every machine here
            self.fail(f"Redis is needed for this test at {REDIS_URL}: {error}")
        load_test_bundle()
        User.objects.create_superuser("admin", "admin@example.org", "a long admin password")
        database = connection.settings_dict
        host = database["HOST"] or "localhost"
        netloc = f"{database['USER']}@{urllib.parse.quote(host, safe='')}" + (
            f":{database['PORT']}" if database["PORT"] else ""
        )
        environment = {
            **os.environ,
            "DATABASE_URL": f"postgres://{netloc}/{database['NAME']}",
            "REDIS_URL": REDIS_URL,
            "DEBUG": "true",
            "REQUEST_LOG_LEVEL": "WARNING",
            "DATA_VERSION_SECONDS": "1",
        }
        self.servers = []
        for _ in range(2):
            port = free_port()
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "dashboard.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
                cwd=settings.BASE_DIR, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            self.addCleanup(process.wait, 10)
            self.addCleanup(process.terminate)
            self.servers.append(f"http://127.0.0.1:{port}")
        for server in self.servers:
            self.wait_until_up(server)

    def wait_until_up(self, server):
        for _ in range(150):
            try:
                urllib.request.urlopen(server + "/healthz/", timeout=1)
                return
            except OSError:
                time.sleep(0.1)
        self.fail(f"{server} did not start")

    def test_a_change_through_one_process_is_served_by_the_other_within_a_second(self):
        first, second = self.servers
        inspection = Inspection.objects.get(
            provider__slug="cheshire-greater-manchester-crc", report__published__year=2019
        )
        page = second + inspection.get_absolute_url()
        self.assertIn("An inspection of Cheshire and Greater Manchester", urllib.request.urlopen(page).read().decode())
        self.assertIn(
            b"An inspection of Cheshire and Greater Manchester", urllib.request.urlopen(page).read()
        )  # cached

        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

        def submit(url, changes=None):
            form = FormFields()
            form.feed(browser.open(url).read().decode())
            fields = [(name, value) for name, value in form.fields if name not in (changes or {})]
            fields += list((changes or {}).items())
            return browser.open(
                urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), headers={"Referer": url})
            )

        submit(first + "/admin/login/?next=/admin/", {"username": "admin", "password": "a long admin password"})
        report = Report.objects.get(pk=inspection.report_id)
        response = submit(
            first + f"/admin/inspections/report/{report.pk}/change/", {"title": "A corrected report title"}
        )
        self.assertEqual(response.status, 200)
        self.assertEqual(Report.objects.get(pk=report.pk).title, "A corrected report title")
        changed_at = time.monotonic()
        while "A corrected report title" not in urllib.request.urlopen(page).read().decode():
            # The other process reuses the data version it read for up to a second (slack for a busy machine).
            self.assertLess(time.monotonic() - changed_at, 3, "the change was not served within a second")
            time.sleep(0.05)
