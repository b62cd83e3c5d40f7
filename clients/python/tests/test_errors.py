"""Every error class, provoked for real against the daemons of python.test."""

import os
import re
import socket
import time
import unittest

import numpy as np

import live
import evald

API_MD = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(live.HERE))), "docs", "api.md")


class Errors(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.c = live.client()

    @classmethod
    def tearDownClass(cls):
        cls.c.close()

    def test_400_bad_request(self):
        with self.assertRaises(evald.BadRequest) as cm:
            self.c.compute("mse", input=[1.0], target=[1.0], reduction=5)
        e = cm.exception
        self.assertEqual((e.status, e.code, e.path), (400, "wrong_type", "/params/reduction"))
        self.assertNotIsInstance(e, evald.ValidationError)
        with self.assertRaises(evald.BadRequest) as cm:
            self.c._call("GET", "/v1/series", query={"asynch": "1"})
        self.assertEqual(cm.exception.code, "unknown_query")

    def test_422_validation(self):
        with self.assertRaises(evald.ValidationError) as cm:
            self.c.compute("mse", input=[1.0, 2.0], target=[1.0])
        e = cm.exception
        self.assertEqual((e.status, e.code, e.path), (422, "shape_mismatch", "/inputs/target"))
        self.assertIn("shape", e.message)
        self.assertIsInstance(e, evald.BadRequest)  # one except catches both
        with self.assertRaises(evald.ValidationError) as cm:
            self.c.compute("mse", input=np.array([1.0, np.inf]), target=[1.0, 2.0])
        self.assertEqual(cm.exception.code, "non_finite")
        # A misspelt parameter goes where the server names it.
        with self.assertRaises(evald.ValidationError) as cm:
            self.c.compute("mse", input=[1.0], target=[1.0], reduce="sum")
        self.assertIn(cm.exception.code, ("unknown_parameter", "unknown_input"))
        self.assertIn("reduction", cm.exception.message)

    def test_404_not_found_and_unknown_metric(self):
        with self.assertRaises(evald.UnknownMetric) as cm:
            self.c.compute("msee", input=[1.0], target=[1.0])
        self.assertEqual((cm.exception.status, cm.exception.code), (404, "unknown_metric"))
        self.assertIn("mse", cm.exception.message)
        with self.assertRaises(evald.NotFound) as cm:
            self.c.references.get("py-no-such-reference")
        self.assertEqual(cm.exception.code, "not_found")
        with self.assertRaises(evald.NotFound):
            self.c.job("0" * 32)

    def test_405_method_not_allowed(self):
        with self.assertRaises(evald.MethodNotAllowed) as cm:
            self.c._call("PATCH", "/v1/metrics/mse")
        self.assertEqual((cm.exception.status, cm.exception.code), (405, "method_not_allowed"))

    def test_414_uri_too_long(self):
        with self.assertRaises(evald.UriTooLong) as cm:
            self.c._call("GET", "/v1/series/py/x", query={"since": "1" * 600})
        self.assertEqual(cm.exception.status, 414)

    def test_str_names_status_code_path(self):
        try:
            self.c.compute("mse", input=[1.0, 2.0], target=[1.0])
        except evald.EvaldError as e:
            s = str(e)
        self.assertTrue(s.startswith("422 shape_mismatch at /inputs/target: "), s)
        self.assertIn("POST /v1/metrics/mse", s)

    def test_every_documented_code_is_mapped(self):
        # The status table of docs/api.md: each code there has its class,
        # and the class's status is the row's.
        with open(API_MD, encoding="utf-8") as f:
            rows = [ln for ln in f if re.match(r"^\| \d{3} \|", ln)]
        self.assertGreaterEqual(len(rows), 12)
        by_status = {400: evald.BadRequest, 401: evald.Unauthorized, 404: evald.NotFound,
                     405: evald.MethodNotAllowed, 408: evald.RequestTimeout,
                     409: evald.Conflict, 411: evald.LengthRequired, 413: evald.TooLarge,
                     414: evald.UriTooLong, 415: evald.UnsupportedMediaType,
                     422: evald.ValidationError, 503: evald.Overloaded,
                     507: evald.StorageFull, 500: evald.ServerError}
        seen = 0
        for row in rows:
            status = int(row[2:5])
            codes = re.findall(r"`([a-z_]+)`", row.split("|")[2])
            for code in codes:
                seen += 1
                self.assertIn(code, evald.CODES, "%s (%d) has no class" % (code, status))
                self.assertTrue(issubclass(evald.CODES[code], by_status[status]), code)
                e = evald.errors.error_from(status, {"error": {"code": code, "message": "m"}})
                self.assertIsInstance(e, by_status[status])
        self.assertGreaterEqual(seen, 45)
        # A code a newer server adds still gets its status's class.
        e = evald.errors.error_from(422, {"error": {"code": "brand_new", "message": "m"}})
        self.assertIsInstance(e, evald.ValidationError)


class Tokens(unittest.TestCase):
    def test_401_without_and_with_wrong_token(self):
        url = live.url("EVALD_TOKEN_URL")
        with evald.Client(url, token="") as c:
            self.assertTrue(c.health())  # open route
            with self.assertRaises(evald.Unauthorized) as cm:
                c.catalog()
            self.assertEqual((cm.exception.status, cm.exception.code), (401, "unauthorized"))
        with evald.Client(url, token="wrong") as c:
            with self.assertRaises(evald.Unauthorized):
                c.compute("mse", inputs={"input": [1.0], "target": [1.0]})

    def test_right_token(self):
        live.url("EVALD_TOKEN_URL")
        token = os.environ["EVALD_TEST_TOKEN"]
        self.assertIn("+", token)  # base64-like tokens survive as sent
        with live.client("EVALD_TOKEN_URL") as c:
            self.assertEqual(c.compute("mse", input=[1.0], target=[2.0]).value, 1.0)
            with c.stream(2) as s:
                self.assertEqual(s.append(np.ones((2, 2))), 2)


class Limits(unittest.TestCase):
    """The small daemon: --max-body 64k --max-bodies 24k --max-response 2k
    --max-upload 4k --timeout 1."""

    @classmethod
    def setUpClass(cls):
        cls.c = live.client("EVALD_SMALL_URL", retries=0)

    @classmethod
    def tearDownClass(cls):
        cls.c.close()

    def test_413_body_too_large(self):
        x = np.zeros(20000)  # about 213 kB of base64: over --max-body
        with self.assertRaises(evald.TooLarge) as cm:
            self.c.compute("mse", input=x, target=x)
        self.assertEqual((cm.exception.status, cm.exception.code), (413, "body_too_large"))

    def test_413_upload_over_max_upload(self):
        with self.c.stream(4) as s:
            with self.assertRaises(evald.TooLarge) as cm:
                s.append(np.zeros((1000, 4)))
            self.assertEqual(cm.exception.code, "too_large")
            self.assertEqual(s.append(np.zeros((10, 4))), 10)  # the client goes on

    def test_503_overloaded_with_retry_after(self):
        x = np.zeros(3000)  # about 32 kB of base64 each: over --max-bodies
        t0 = time.monotonic()
        with self.assertRaises(evald.Overloaded) as cm:
            self.c.compute("mse", input=x, target=x)
        e = cm.exception
        self.assertEqual((e.status, e.code), (503, "overloaded"))
        self.assertIsNotNone(e.retry_after)
        self.assertGreater(e.retry_after, 0)
        self.assertLess(time.monotonic() - t0, 5)  # retries=0: not retried

    def test_503_is_retried_within_the_bound(self):
        x = np.zeros(3000)
        with live.client("EVALD_SMALL_URL", retries=1, max_retry_wait=30) as c:
            t0 = time.monotonic()
            with self.assertRaises(evald.Overloaded) as cm:
                c.compute("mse", input=x, target=x)
            took = time.monotonic() - t0
        self.assertGreaterEqual(took, cm.exception.retry_after * 0.9)  # waited once
        with live.client("EVALD_SMALL_URL", retries=3, max_retry_wait=0) as c:
            t0 = time.monotonic()
            with self.assertRaises(evald.Overloaded):
                c.compute("mse", input=x, target=x)
            self.assertLess(time.monotonic() - t0, 1.0)  # Retry-After over the bound

    def test_series_pages_through_truncation(self):
        for step in range(40):
            self.c.compute("mse", input=[float(step)], target=[0.0],
                           record={"series": "py/long", "step": step, "labels": {"k": "v" * 20}})
        raw = self.c._call("GET", "/v1/series/py/long").body
        self.assertTrue(raw.get("truncated"))  # the server did cut it
        pts = list(self.c.series.points("py/long"))
        self.assertEqual([p.step for p in pts], list(range(40)))
        self.assertEqual(len(list(self.c.series.points("py/long", limit=25))), 25)
        self.assertEqual(self.c.series.latest("py/long").step, 39)

    def test_dropped_keep_alive_reconnects(self):
        # --timeout 1 closes the idle connection; even a POST that must not
        # be resent goes through on a fresh one.
        self.assertTrue(self.c.health())
        first = self.c._t.conn
        time.sleep(2.5)
        with self.c.stream(2) as s:
            self.assertEqual(s.append(np.ones((2, 2))), 2)
        self.assertIsNot(self.c._t.conn, first)


class Unreachable(unittest.TestCase):
    def test_connection_refused(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()  # nothing listens there now
        with evald.Client("http://127.0.0.1:%d" % port, retries=1) as c:
            with self.assertRaises(evald.ConnectionFailed) as cm:
                c.health()
        self.assertIsNone(cm.exception.status)
        self.assertEqual(cm.exception.code, "connection_failed")


if __name__ == "__main__":
    unittest.main()
