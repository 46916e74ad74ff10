"""gunicorn as production runs it (deploy/gunicorn.conf.py), without the buffering proxy in front:
a few slow clients do not stall the site, and an oversized upload is refused unread."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class GunicornTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.port = free_port()
        # One worker: the least forgiving case. /healthz/ touches no database.
        cls.server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py", "--workers", "1",
             "--bind", f"127.0.0.1:{cls.port}", "--access-logfile", "/dev/null", "--log-level", "critical"],
            cwd=ROOT, env={**os.environ, "MAX_REQUEST_BODY_MB": "1"},
        )  # fmt: skip
        cls.addClassCleanup(cls.stop)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{cls.port}/healthz/", timeout=1)
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("gunicorn did not start")

    @classmethod
    def stop(cls):
        cls.server.terminate()
        cls.server.wait(timeout=30)

    def connect(self):
        connection = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        self.addCleanup(connection.close)
        return connection

    def test_four_slow_header_clients_do_not_stall_the_site(self):
        for _ in range(4):
            # Part of the headers, then nothing: a slowloris client.
            self.connect().sendall(b"GET /healthz/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        time.sleep(0.5)
        started = time.monotonic()
        body = urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz/", timeout=10).read()
        self.assertEqual(body, b"ok")
        self.assertLess(time.monotonic() - started, 2)

    def test_an_oversized_upload_is_refused_before_its_body_is_sent(self):
        connection = self.connect()
        connection.sendall(
            b"POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\n"
            b"Content-Length: 314572800\r\n\r\n--x\r\n"
        )  # 300 MB declared; only the first bytes are ever sent
        self.assertTrue(connection.recv(4096).startswith(b"HTTP/1.1 413 "))
