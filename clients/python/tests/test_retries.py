"""Retry policy against a tiny local HTTP server that misbehaves on cue."""

import http.server
import json
import threading
import time
import unittest

import live

evald = live.evald  # the source tree's package (live puts it on sys.path)


class Script(http.server.BaseHTTPRequestHandler):
    """Answers from a list of actions: ("status", retry_after) or "drop"."""

    protocol_version = "HTTP/1.1"
    actions = []
    seen = []

    def log_message(self, *args):
        pass

    def _serve(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        type(self).seen.append((self.command, self.path, body))
        act = type(self).actions.pop(0) if type(self).actions else (200, None)
        if act == "drop":
            self.close_connection = True
            self.wfile.flush()
            self.connection.close()
            return
        status, retry_after = act
        if status == 200:
            out = {"metric": "mse", "value": 1.0, "params": {}, "warnings": [], "elapsed_ms": 0.0,
                   "status": "ok"}
        else:
            out = {"error": {"code": "overloaded" if status == 503 else "rate_limited",
                             "message": "busy", "path": ""}}
        data = json.dumps(out).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if retry_after is not None:
            self.send_header("Retry-After", str(retry_after))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _serve


class Retries(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Script)
        cls.thread = threading.Thread(target=cls.srv.serve_forever, daemon=True)
        cls.thread.start()
        cls.url = "http://127.0.0.1:%d" % cls.srv.server_address[1]

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()
        cls.srv.server_close()

    def setUp(self):
        Script.actions = []
        Script.seen = []

    def client(self, **kw):
        c = evald.Client(self.url, token="", **kw)
        c._catalog["mse"] = evald.Record({"name": "mse", "inputs": [{"name": "input"}, {"name": "target"}],
                                          "params": [{"name": "reduction"}]})
        return c

    def test_503_retry_after_then_200(self):
        Script.actions = [(503, 1), (200, None)]
        with self.client() as c:
            t0 = time.monotonic()
            r = c.compute("mse", input=[1.0], target=[2.0])
            took = time.monotonic() - t0
        self.assertEqual(r.value, 1.0)
        self.assertEqual(len(Script.seen), 2)
        self.assertEqual(Script.seen[0][2], Script.seen[1][2])  # the same body resent
        self.assertGreaterEqual(took, 0.95)  # honoured Retry-After: 1
        self.assertLess(took, 5)

    def test_429_retry_after_then_200(self):
        Script.actions = [(429, 0), (200, None)]
        with self.client() as c:
            self.assertTrue(c.health())
        self.assertEqual(len(Script.seen), 2)

    def test_retry_bound(self):
        Script.actions = [(503, 0)] * 5
        with self.client(retries=2) as c:
            with self.assertRaises(evald.Overloaded) as cm:
                c.health()
        self.assertEqual(len(Script.seen), 3)  # one try and two retries
        self.assertEqual(cm.exception.retry_after, 0)

    def test_retry_after_over_the_cap_raises_at_once(self):
        Script.actions = [(503, 3600)]
        with self.client(max_retry_wait=10) as c:
            t0 = time.monotonic()
            with self.assertRaises(evald.Overloaded) as cm:
                c.health()
        self.assertLess(time.monotonic() - t0, 2)
        self.assertEqual(cm.exception.retry_after, 3600)
        self.assertEqual(len(Script.seen), 1)

    def test_get_resent_after_a_dropped_connection(self):
        Script.actions = ["drop", (200, None)]
        with self.client() as c:
            self.assertTrue(c.health())
        self.assertEqual([s[0] for s in Script.seen], ["GET", "GET"])

    def test_recording_post_not_resent_after_a_dropped_connection(self):
        Script.actions = ["drop", (200, None)]
        with self.client() as c:
            with self.assertRaises(evald.ConnectionFailed) as cm:
                c.compute("mse", input=[1.0], target=[2.0], record="py/once")
        self.assertIn("may have been applied", cm.exception.message)
        self.assertEqual(len(Script.seen), 1)

    def test_pure_compute_resent_after_a_dropped_connection(self):
        Script.actions = ["drop", (200, None)]
        with self.client() as c:
            self.assertEqual(c.compute("mse", input=[1.0], target=[2.0]).value, 1.0)
        self.assertEqual(len(Script.seen), 2)


if __name__ == "__main__":
    unittest.main()
