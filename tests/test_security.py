"""Security headers and CSP, admin lockout, health endpoints, request logs, and 503 when PostgreSQL is slow."""

import json
import time
from datetime import timedelta

import psycopg2
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import RequestFactory, TestCase, TransactionTestCase
from django.urls import reverse
from django.utils import timezone

from dashboard.middleware import client_ip
from tests.base import load_test_bundle


class HeaderTests(TestCase):
    def test_every_public_page_sends_a_strict_content_security_policy(self):
        response = self.client.get(reverse("dashboard:about"))
        policy = response["Content-Security-Policy"]
        for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'",
                          "base-uri 'none'", "frame-ancestors 'none'", "img-src 'self' data: blob:"):  # fmt: skip
            self.assertIn(directive, policy)
        self.assertNotIn("unsafe-inline", policy)
        self.assertNotIn("unsafe-eval", policy)

    def test_the_admin_sends_the_same_policy(self):
        policy = self.client.get(reverse("admin:login"))["Content-Security-Policy"]
        self.assertIn("script-src 'self'", policy)
        self.assertNotIn("unsafe", policy)

    def test_other_security_headers(self):
        response = self.client.get(reverse("dashboard:about"))
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Referrer-Policy"], "same-origin")
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertIn("camera=()", response["Permissions-Policy"])
        self.assertEqual(response["Cross-Origin-Opener-Policy"], "same-origin")

    def test_each_response_carries_a_request_id_and_one_log_line(self):
        with self.assertLogs("dashboard.requests", "INFO") as logs:
            response = self.client.get(reverse("dashboard:healthz"), HTTP_X_REQUEST_ID="abc123")
        self.assertEqual(response["X-Request-ID"], "abc123")
        line = json.loads(logs.records[0].getMessage())
        self.assertEqual((line["request_id"], line["path"], line["status"]), ("abc123", "/healthz/", 200))
        self.assertIn("duration_ms", line)


class EmbedPolicyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_test_bundle()

    def test_an_embedded_chart_may_be_framed_by_any_site(self):
        response = self.client.get(reverse("dashboard:home"), {"embed": "ratings-by-standard"})
        self.assertIn("frame-ancestors *", response["Content-Security-Policy"])
        self.assertIn("script-src 'self'", response["Content-Security-Policy"])


class HealthTests(TestCase):
    def test_healthz_needs_no_database(self):
        with self.assertNumQueries(0):
            self.assertEqual(self.client.get("/healthz/").content, b"ok")

    def test_readyz_asks_the_database(self):
        with self.assertNumQueries(1):
            self.assertEqual(self.client.get("/readyz/").status_code, 200)


class AdminLoginTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        User.objects.create_user("editor", password="a long editor password", is_staff=True)

    def login(self, password):
        return self.client.post(
            reverse("admin:login"),
            {"username": "editor", "password": password, "next": "/admin/"},
            REMOTE_ADDR="10.9.8.7",
        )

    def test_repeated_failures_lock_the_account_for_that_address(self):
        for _ in range(4):
            self.assertEqual(self.login("wrong password").status_code, 200)
        self.assertEqual(self.login("wrong password").status_code, 429)  # the fifth failure locks
        locked = self.login("a long editor password")
        self.assertEqual(locked.status_code, 429)
        self.assertContains(locked, "Too many failed sign-in attempts", status_code=429)

    def test_a_flood_from_other_addresses_cannot_lock_an_editor_out(self):
        for number in range(20):
            self.client.post(
                reverse("admin:login"),
                {"username": "editor", "password": "wrong password", "next": "/admin/"},
                REMOTE_ADDR=f"192.0.2.{number % 4}",
            )
        self.assertEqual(self.login("a long editor password").status_code, 302)

    def test_spraying_one_password_across_usernames_locks_the_address(self):
        for number in range(5):
            self.client.post(
                reverse("admin:login"),
                {"username": f"guess{number}", "password": "Winter2026!", "next": "/admin/"},
                REMOTE_ADDR="198.51.100.7",
            )
        sprayed = self.client.post(
            reverse("admin:login"),
            {"username": "editor", "password": "a long editor password", "next": "/admin/"},
            REMOTE_ADDR="198.51.100.7",
        )
        self.assertEqual(sprayed.status_code, 429)

    def test_the_lock_is_a_short_delay_not_an_hour(self):
        self.assertLessEqual(settings.AXES_COOLOFF_TIME, timedelta(minutes=15))
        for _ in range(5):
            self.login("wrong password")
        self.assertEqual(self.login("a long editor password").status_code, 429)
        AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
        self.assertEqual(self.login("a long editor password").status_code, 302)

    def test_a_correct_password_signs_in(self):
        self.assertEqual(self.login("a long editor password").status_code, 302)

    def test_weak_passwords_are_refused(self):
        from django.contrib.auth.password_validation import validate_password
        from django.core.exceptions import ValidationError

        for weak in ("password123", "short", "12345678901234"):
            with self.subTest(weak=weak), self.assertRaises(ValidationError):
                validate_password(weak)


class SlowDatabaseTests(TransactionTestCase):
    """A real slow database: another session holds a lock, so the page's queries wait."""

    def test_a_slow_database_gives_a_503_within_two_seconds_and_the_site_recovers(self):
        settings_dict = connection.settings_dict
        blocker = psycopg2.connect(
            dbname=settings_dict["NAME"],
            user=settings_dict["USER"],
            host=settings_dict["HOST"] or None,
            port=settings_dict["PORT"] or None,
            password=settings_dict["PASSWORD"] or None,
        )
        try:
            with blocker.cursor() as cursor:
                cursor.execute("LOCK TABLE inspections_standard IN ACCESS EXCLUSIVE MODE")
            with connection.cursor() as cursor:
                # The production default (DB_STATEMENT_TIMEOUT_MS=1500) is relaxed for the suite.
                cursor.execute("SET statement_timeout = 1000")
            started = time.monotonic()
            response = self.client.get(reverse("dashboard:home"))
            elapsed = time.monotonic() - started
        finally:
            blocker.rollback()
            blocker.close()
            # The shorter timeout was set on this session: undo it, and give later tests a fresh connection.
            self.addCleanup(connection.close)
            with connection.cursor() as cursor:
                cursor.execute("RESET statement_timeout")
        self.assertEqual(response.status_code, 503)
        self.assertContains(response, "temporarily unavailable", status_code=503)
        self.assertNotContains(response, "Traceback", status_code=503)
        self.assertLess(elapsed, 2.0)
        self.assertEqual(self.client.get(reverse("dashboard:home")).status_code, 200)


class ClientAddressTests(TestCase):
    """Behind TRUSTED_PROXY_COUNT proxies the client is that many entries from the right of
    X-Forwarded-For; whatever the client itself put further left is ignored."""

    def address(self, forwarded, count):
        request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
        with self.settings(TRUSTED_PROXY_COUNT=count):
            return client_ip(request)

    def test_without_proxies_the_peer_is_the_client(self):
        self.assertEqual(self.address("203.0.113.9", 0), "10.0.0.2")

    def test_behind_nginx_the_last_forwarded_entry_is_the_client_even_if_spoofed(self):
        self.assertEqual(self.address("6.6.6.6, 203.0.113.9", 1), "203.0.113.9")

    def test_behind_a_load_balancer_and_nginx(self):
        self.assertEqual(self.address("6.6.6.6, 203.0.113.9, 10.0.0.1", 2), "203.0.113.9")

    def test_a_header_too_short_falls_back_to_the_peer(self):
        self.assertEqual(self.address("", 2), "10.0.0.2")
