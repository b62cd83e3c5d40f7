"""Compute, evaluate, catalog and jobs against a live daemon."""

import unittest

import numpy as np

import live
import evald


class ArrayBox:
    """Not an ndarray, but converts to one: the __array__ protocol."""

    def __init__(self, a):
        self.a = np.asarray(a)

    def __array__(self, dtype=None):
        return self.a if dtype is None else self.a.astype(dtype)


class Compute(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.c = live.client()

    @classmethod
    def tearDownClass(cls):
        cls.c.close()

    def test_health_and_ready(self):
        self.assertTrue(self.c.health())
        self.assertTrue(self.c.ready())

    def test_catalog_and_metric(self):
        names = [m.name for m in self.c.catalog()]
        self.assertIn("mse", names)
        self.assertIn("fid", names)
        huber = self.c.metric("huber")
        self.assertEqual([i["name"] for i in huber.inputs], ["input", "target"])
        self.assertIn("delta", [p["name"] for p in huber["params"]])

    def test_compute_numpy_matches_formula(self):
        x = np.array([[0.5, 1.0], [2.0, -1.0]])
        y = np.array([[0.0, 1.0], [1.0, 1.0]], dtype=np.float32)
        r = self.c.compute("mse", input=x, target=y)
        self.assertIsInstance(r, evald.Result)
        self.assertAlmostEqual(r.value, float(np.mean((x - y) ** 2)), places=15)
        self.assertEqual(r.params, {"reduction": "mean", "half": False})
        self.assertEqual(r.warnings, [])
        self.assertGreaterEqual(r.elapsed_ms, 0.0)
        self.assertEqual(r["metric"], "mse")
        self.assertEqual(float(r), r.value)

    def test_keywords_split_into_inputs_and_params(self):
        r = self.c.compute("huber", input=[0.0, 3.0], target=[0.0, 0.0], delta=0.5, reduction="sum")
        self.assertEqual(r.params, {"reduction": "sum", "delta": 0.5})
        self.assertAlmostEqual(r.value, 0.5 * (3.0 - 0.25), places=12)
        # The same with explicit dicts.
        r2 = self.c.compute("huber", params={"delta": 0.5, "reduction": "sum"},
                            inputs={"input": [0.0, 3.0], "target": [0.0, 0.0]})
        self.assertEqual(r2.value, r.value)

    def test_reduction_none_values_array(self):
        r = self.c.compute("mae", input=[1, 2, 3], target=[1, 0, 5], reduction="none")
        self.assertIsInstance(r.values, np.ndarray)
        np.testing.assert_array_equal(r.values, [0.0, 2.0, 2.0])
        self.assertNotIn("value", r)

    def test_integer_targets_stay_class_indices(self):
        logits = np.array([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]])
        r = self.c.compute("cross_entropy", input=logits, target=np.array([0, 2]),
                           label_smoothing=0.1)
        self.assertAlmostEqual(r.value, 0.3454563805893113, places=14)
        r2 = self.c.compute("cross_entropy", input=logits, target=[0, 2], label_smoothing=0.1)
        self.assertEqual(r2.value, r.value)

    def test_array_protocol_object(self):
        r = self.c.compute("mse", input=ArrayBox([1.0, 2.0]), target=ArrayBox([1.0, 4.0]))
        self.assertEqual(r.value, 2.0)

    def test_torch_tensor(self):
        try:
            import torch
        except ImportError:
            self.skipTest("torch is not installed (apt-get install python3-torch)")
        x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True) * 2  # needs detach
        y = torch.zeros(2, 2, dtype=torch.float64)
        r = self.c.compute("mse", input=x, target=y)
        self.assertAlmostEqual(r.value, float(((x.detach().double() - y) ** 2).mean()), places=12)
        t = torch.tensor([0, 2])
        r = self.c.compute("cross_entropy", input=torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]]),
                           target=t, label_smoothing=0.1)
        self.assertAlmostEqual(r.value, 0.3454563805893113, places=6)  # float32 logits

    def test_arrays_sent_packed(self):
        body = evald.tensors.encode_value({"x": np.arange(6, dtype=np.float32).reshape(2, 3)})
        self.assertEqual(body["x"]["dtype"], "float32")
        self.assertEqual(body["x"]["shape"], [2, 3])
        self.assertIsInstance(body["x"]["data"], str)
        big = np.random.default_rng(0).normal(size=(300, 4))
        r = self.c.compute("mse", input=big, target=big.astype(np.float32))
        ref = float(np.mean((big - big.astype(np.float32).astype(np.float64)) ** 2))
        self.assertAlmostEqual(r.value, ref, delta=1e-20 + 1e-12 * ref)

    def test_large_arrays_sent_as_npz(self):
        """Inputs at or past npz_min, all arrays, go as a .npz body (params
        in params.json); the answer is the JSON one to the bit.  Anything
        else, or a record, goes as JSON."""
        sent = []
        npz = live.client(npz_min=64)
        inner = npz._t.request

        def spy(method, path, **kw):
            sent.append(kw.get("ctype"))
            return inner(method, path, **kw)

        npz._t.request = spy
        js = live.client(npz_min=None)
        rng = np.random.default_rng(3)
        yt = rng.integers(-2, 5, size=500).astype(np.int32)
        yp = np.where(rng.random(500) < 0.6, yt, 3).astype(np.uint8)
        x = rng.normal(size=(40, 3))
        cases = [("accuracy", dict(y_true=yt, y_pred=yp)),
                 ("f1", dict(y_true=yt, y_pred=yp, average="macro")),
                 ("mse", dict(input=x, target=x.astype(np.float32))),
                 ("emd", dict(x=x, y=x[::-1] * 2.0, metric="sqeuclidean"))]
        for metric, kw in cases:
            want = js.compute(metric, **kw)
            del sent[:]
            got = npz.compute(metric, **kw)
            self.assertIn("application/x-npz", sent, metric)
            self.assertEqual(got.value, want.value, metric)
            self.assertEqual(got.params, want.params, metric)
        job = npz.compute("f1", y_true=yt, y_pred=yp, average="micro", wait=False)
        self.assertEqual(job.wait().value,
                         js.compute("f1", y_true=yt, y_pred=yp, average="micro").value)
        # Small, a list among the inputs, or recorded: JSON.
        for kw in [dict(input=x[:2, :1], target=x[:2, :1]),
                   dict(input=[1.0] * 20, target=x[:20, 0]),
                   dict(input=x, target=x, record="py/npz-recorded")]:
            del sent[:]
            npz.compute("mse", **kw)
            self.assertNotIn("application/x-npz", sent)
        self.assertEqual(self.c.series.latest("py/npz-recorded").value, 0.0)
        # A refusal names the member's input, as the JSON body's does.
        with self.assertRaises(evald.ValidationError) as e:
            npz.compute("accuracy", y_true=yt, y_pred=yp[:-1])
        self.assertIn("y_pred", str(e.exception))
        npz.close()
        js.close()

    def test_record_and_series(self):
        r = self.c.compute("mse", input=[1.0], target=[3.0],
                           record={"series": "py/compute", "step": 7, "labels": {"model": "a+b"}})
        self.assertEqual(r.recorded["series"], "py/compute")
        self.assertEqual(r.recorded["step"], 7)
        latest = self.c.series.latest("py/compute")
        self.assertEqual(latest.value, 4.0)
        self.assertEqual(latest.labels, {"model": "a+b"})
        r = self.c.series.record("py/compute", "mae", step=8, input=[1.0], target=[2.5])
        self.assertEqual(r.recorded["step"], 8)
        pts = list(self.c.series.points("py/compute"))
        self.assertEqual([p.step for p in pts], [7, 8])
        self.assertEqual([p.value for p in self.c.series.points("py/compute", since=pts[0].ts)], [1.5])
        self.assertEqual(len(list(self.c.series.points("py/compute", limit=1))), 1)
        self.assertIn("py/compute", [s.name for s in self.c.series.list()])
        with self.assertRaises(evald.NotFound):
            self.c.series.latest("py/never-recorded")

    def test_evaluate(self):
        ev = self.c.evaluate(["mse", ("huber", {"delta": 0.5}),
                              {"name": "mae", "inputs": {"target": [0.0, 0.0]}}, "nope"],
                             input=np.array([0.2, 0.7]), target=[0.0, 1.0])
        self.assertIsInstance(ev, evald.Evaluation)
        self.assertEqual(len(ev), 4)
        self.assertAlmostEqual(ev["mse"].value, 0.065, places=15)
        self.assertAlmostEqual(ev[1].value, 0.0325, places=15)
        self.assertAlmostEqual(ev["mae"].value, 0.45, places=15)
        self.assertFalse(ev.ok)
        self.assertFalse(ev[3].ok)
        self.assertIsInstance(ev[3].error, evald.UnknownMetric)
        self.assertEqual(ev[3].error.path, "/metrics/3/name")
        with self.assertRaises(evald.UnknownMetric):
            ev[3].value
        with self.assertRaises(evald.UnknownMetric):
            ev.raise_for_errors()

    def test_evaluate_records_each_metric(self):
        ev = self.c.evaluate(["mse", "mae"], record={"series": "py/eval", "step": 1},
                             input=[1.0, 2.0], target=[1.0, 4.0])
        self.assertTrue(ev.ok)
        self.assertEqual(self.c.series.latest("py/eval/mse").value, 2.0)
        self.assertEqual(self.c.series.latest("py/eval/mae").value, 1.0)

    def test_async_job_with_progress_callback(self):
        rng = np.random.default_rng(1)
        x, y = rng.normal(size=(60, 3)), rng.normal(size=(60, 3))
        seen = []
        r = self.c.compute("emd", x=x, y=y, metric="sqeuclidean",
                           progress=lambda f, job: seen.append((f, job.status)))
        sync = self.c.compute("emd", x=x, y=y, metric="sqeuclidean")
        self.assertEqual(r.value, sync.value)
        self.assertEqual(r.params["metric"], "sqeuclidean")
        self.assertTrue(seen)
        self.assertEqual(seen[-1], (1.0, "done"))
        self.assertTrue(all(0.0 <= f <= 1.0 for f, _ in seen))

    def test_async_job_object(self):
        job = self.c.compute("mse", input=[1.0, 2.0], target=[2.0, 2.0], wait=False)
        self.assertIsInstance(job, evald.Job)
        self.assertEqual(len(job.id), 32)
        self.assertEqual(job.wait().value, 0.5)
        self.assertEqual(job.poll().status, "done")
        self.assertEqual(self.c.job(job.id).result().value, 0.5)
        job.cancel()  # a finished job: forgotten
        with self.assertRaises(evald.NotFound):
            job.poll()

    def test_async_evaluate(self):
        job = self.c.evaluate(["mse", "mae"], wait=False, input=[1.0], target=[3.0])
        ev = job.wait()
        self.assertEqual([r.value for r in ev], [4.0, 2.0])

    def test_async_job_failure_is_typed(self):
        job = self.c.compute("mse", input=[1.0], target=[[1.0, 2.0]], wait=False)
        with self.assertRaises(evald.ValidationError) as cm:
            job.wait()
        self.assertEqual(cm.exception.code, "shape_mismatch")
        self.assertEqual(cm.exception.status, 422)
        self.assertEqual(cm.exception.path, "/inputs/target")

    def test_job_cancel(self):
        # Heavy enough to be queued or running when the cancel arrives.
        rng = np.random.default_rng(2)
        x, y = rng.normal(size=(1500, 2)), rng.normal(size=(1500, 2))
        job = self.c.compute("emd", x=x, y=y, wait=False)
        job.cancel()
        self.assertIn(job.status, ("cancelling", "cancelled", "done"))
        try:
            job.wait()
        except evald.JobCancelled as e:
            self.assertEqual(e.code, "cancelled")
            self.assertEqual(job.status, "cancelled")
        else:
            self.fail("a job cancelled at once finished instead (%s)" % job.status)

    def test_progress_bar(self):
        import contextlib
        import io
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            r = self.c.compute("mse", input=[1.0], target=[2.0], progress=True)
        self.assertEqual(r.value, 1.0)
        self.assertIn("100%", err.getvalue())

    def test_keep_alive_one_connection(self):
        self.c.health()
        conn = self.c._t.conn
        for _ in range(5):
            self.c.compute("mse", input=[1.0], target=[2.0])
        self.assertIs(self.c._t.conn, conn)


if __name__ == "__main__":
    unittest.main()
