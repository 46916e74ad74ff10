"""Start the production stack on loopback for load and fault tests: gunicorn + WhiteNoise with
DEBUG=false, against DATABASE_URL (or a given one). Used by loadtest.py and faulttest.py."""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def production_environment(database_url=None, **extra):
    environment = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",  # loopback has no TLS terminator in front
        "REQUEST_LOG_LEVEL": "WARNING",
        "LOG_LEVEL": "ERROR",
        "CONN_MAX_AGE": "60",  # as .env.example recommends for production: no new connection per request
        **extra,
    }
    if database_url:
        environment["DATABASE_URL"] = database_url
    return environment


def manage(environment, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=environment, check=True, capture_output=True)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(environment, workers=4):
    port = free_port()
    manage(environment, "collectstatic", "--noinput")
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--access-logfile", "/dev/null", "--log-level", "warning"],
        cwd=ROOT, env=environment,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/healthz/", timeout=1)
            return process, url
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def inspection_ids(environment):
    """Ids of two real inspections (CGM 2019, West Yorkshire 2020) in the database the stack uses."""
    script = (
        "from inspections.models import Inspection\n"
        "i = Inspection.objects.get(provider__slug='cheshire-greater-manchester-crc', report__published__year=2019)\n"
        "w = Inspection.objects.get(provider__slug='west-yorkshire-crc', report__published__year=2020)\n"
        "print(i.pk, w.pk)"
    )
    result = subprocess.run([PYTHON, "manage.py", "shell", "--no-imports", "-c", script], cwd=ROOT, env=environment,
                            check=True, capture_output=True, text=True)  # fmt: skip
    first, second = result.stdout.split()
    return first, second


def public_paths(environment):
    """A spread of public pages with real ids from the database."""
    first, second = inspection_ids(environment)
    return [
        "/", "/?scope=all&sort=-total_score", "/?kind=CRC&rating=requires-improvement", "/about/",
        "/providers/cheshire-greater-manchester-crc/", f"/inspections/{first}/", f"/inspections/{first}/standards/2.2/",
        "/standards/standards-2018/2.2/", "/owners/", "/owners/purple-futures/",
        f"/compare/?inspection={first}&inspection={second}",
    ]  # fmt: skip
