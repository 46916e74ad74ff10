"""Schemathesis against our OpenAPI schema, in process: every operation, generated parameters
(valid and invalid), no server error and no response the schema does not describe.

Driven through Hypothesis directly: schemathesis' pytest plugin does not run under pytest 9.
Every check runs except "a schema-valid request is accepted": an unknown slug in a filter
(?owner=abc) is a string the schema allows, and we answer it on purpose with a 400 naming the
field, which tells a client more than an empty list would.
"""

import itertools

import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import TestCase
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.base import load_test_bundle

EXAMPLES_PER_OPERATION = 30


def closing_at_once(handler):
    """The WSGI app, with each response read and closed before the call returns: a response
    closed later (when garbage-collected) would fire request_finished in another test and close
    that test's database connection."""

    def app(environ, start_response):
        response = handler(environ, start_response)
        try:
            return [b"".join(response)]
        finally:
            response.close()

    return app


class SchemathesisTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_test_bundle()

    def setUp(self):
        # As Django's test client does: the WSGI handler must not close the test's connection
        # (and with it the transaction holding the test data) at the end of each request.
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
            self.addCleanup(signal.connect, close_old_connections)

    def test_the_api_honours_its_schema(self):
        schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", closing_at_once(get_wsgi_application()))
        operations = [result.ok() for result in schema.get_all_operations()]
        self.assertGreaterEqual(len(operations), 8)
        for operation, mode in itertools.product(operations, GenerationMode):
            with self.subTest(operation=operation.label, data=mode.value):

                @given(operation.as_strategy(mode))
                @settings(
                    max_examples=EXAMPLES_PER_OPERATION,
                    deadline=None,
                    suppress_health_check=list(HealthCheck),
                    database=None,
                )
                def check(case):
                    case.call_and_validate(excluded_checks=[positive_data_acceptance])

                try:
                    check()
                except Unsatisfiable:
                    # Only string path parameters: no request violates the schema, nothing to send.
                    if mode is GenerationMode.POSITIVE:
                        raise
