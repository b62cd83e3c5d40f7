"""What tests/python.test started: the daemons' URLs and the token.

EVALD_URL        a plain daemon
EVALD_TOKEN_URL  one with --token-file and --read-token-file (EVALD_TEST_TOKEN)
EVALD_SMALL_URL  one with small limits (see tests/python.test)
Without them the tests that need a daemon are skipped with that reason.
"""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
# The package under test is the source tree's, not an installed copy.
sys.path.insert(0, os.path.dirname(HERE))

import evald  # noqa: E402


def url(var="EVALD_URL"):
    u = os.environ.get(var)
    if not u:
        raise unittest.SkipTest("%s is not set: run through tests/python.test" % var)
    return u


def client(var="EVALD_URL", **kw):
    kw.setdefault("token", os.environ.get("EVALD_TEST_TOKEN") if var == "EVALD_TOKEN_URL" else "")
    return evald.Client(url(var), **kw)
