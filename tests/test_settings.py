"""Production settings refuse to start without their secrets; development needs none."""

import os
import subprocess
import sys

from django.conf import settings
from django.test import SimpleTestCase

IMPORT_SETTINGS = "import dashboard.settings"


def import_settings(**env):
    environment = {
        key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    environment.update(env, DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    return subprocess.run(
        [sys.executable, "-c", IMPORT_SETTINGS], env=environment, capture_output=True, text=True, cwd=settings.BASE_DIR
    )


class ProductionSettingsTests(SimpleTestCase):
    def test_production_refuses_to_start_without_a_secret_key(self):
        result = import_settings(DEBUG="false", ALLOWED_HOSTS="example.org")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECRET_KEY must be set when DEBUG is false", result.stderr)

    def test_production_refuses_to_start_without_allowed_hosts(self):
        result = import_settings(DEBUG="false", SECRET_KEY="x" * 60)
        self.assertIn("ALLOWED_HOSTS must be set when DEBUG is false", result.stderr)

    def test_a_malformed_boolean_is_named(self):
        result = import_settings(DEBUG="maybe")
        self.assertIn("DEBUG must be true or false, not 'maybe'", result.stderr)

    def test_production_passes_the_deploy_checks(self):
        environment = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": "a-Long-and-Random-Test-Key-0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "ALLOWED_HOSTS": "example.org",
        }
        environment["DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/none"
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            env=environment,
            capture_output=True,
            text=True,
            cwd=settings.BASE_DIR,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
