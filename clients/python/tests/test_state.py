"""References, streams and tallies against a live daemon."""

import os
import tempfile
import unittest

import numpy as np

import live
import evald


def moments(x):
    x = np.asarray(x, dtype=np.float64)
    return x.mean(axis=0), np.cov(x, rowvar=False)


class References(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.c = live.client()
        cls.rng = np.random.default_rng(3)

    @classmethod
    def tearDownClass(cls):
        cls.c.close()

    def test_put_array_get_stats_delete(self):
        x = self.rng.normal(size=(200, 5)).astype(np.float32)
        info = self.c.references.put("py-arr", x)
        self.assertEqual((info.name, info.n, info.d), ("py-arr", 200, 5))
        got = self.c.references.get("py-arr", include_stats=True)
        mu, sigma = moments(x)
        np.testing.assert_allclose(got.mu, mu, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(got.sigma, sigma, rtol=1e-10, atol=1e-14)
        self.assertNotIn("mu", self.c.references.get("py-arr"))
        self.assertIn("py-arr", [r.name for r in self.c.references.list()])
        self.assertTrue(self.c.references.delete("py-arr").deleted)
        with self.assertRaises(evald.NotFound) as cm:
            self.c.references.get("py-arr")
        self.assertEqual(cm.exception.status, 404)

    def test_put_torch(self):
        try:
            import torch
        except ImportError:
            self.skipTest("torch is not installed (apt-get install python3-torch)")
        t = torch.randn(50, 3, dtype=torch.float64)
        self.assertEqual(self.c.references.put("py-torch", t).n, 50)
        got = self.c.references.get("py-torch", include_stats=True)
        np.testing.assert_allclose(got.mu, t.numpy().mean(axis=0), rtol=1e-12, atol=1e-15)
        self.c.references.delete("py-torch")

    def test_put_stats_and_fid_against_it(self):
        x = self.rng.normal(size=(300, 4))
        y = self.rng.normal(loc=0.3, size=(300, 4))
        mu, sigma = moments(y)
        self.assertEqual(self.c.references.put("py-stats", mu=mu, sigma=sigma, n=300).n, 300)
        a = self.c.compute("fid", x=x, y={"reference": "py-stats"}).value
        b = self.c.compute("fid", x=x, y=y).value
        self.assertAlmostEqual(a, b, delta=1e-9 * b)
        self.c.references.delete("py-stats")

    def test_put_npz_and_npy_files(self):
        x = self.rng.normal(size=(40, 3))
        mu, sigma = moments(x)
        with tempfile.TemporaryDirectory() as d:
            npz = os.path.join(d, "stats.npz")
            np.savez(npz, mu=mu, sigma=sigma)
            self.assertEqual(self.c.references.put("py-npz", npz).d, 3)
            npy = os.path.join(d, "x.npy")
            np.save(npy, x)
            self.assertEqual(self.c.references.put("py-npy", npy).n, 40)
            bad = os.path.join(d, "notes.txt")
            with open(bad, "w") as f:
                f.write("hello\n")
            with self.assertRaises(evald.UnsupportedMediaType) as cm:
                self.c.references.put("py-bad", bad)
            self.assertEqual(cm.exception.status, 415)
        a = self.c.references.get("py-npz", include_stats=True)
        b = self.c.references.get("py-npy", include_stats=True)
        np.testing.assert_allclose(a.sigma, b.sigma, rtol=1e-12)
        for n in ("py-npz", "py-npy"):
            self.c.references.delete(n)

    def test_put_needs_one_source(self):
        with self.assertRaises(TypeError):
            self.c.references.put("py-x")
        with self.assertRaises(TypeError):
            self.c.references.put("py-x", np.zeros((2, 2)), mu=np.zeros(2), sigma=np.eye(2))


class Streams(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.c = live.client()
        cls.rng = np.random.default_rng(4)

    @classmethod
    def tearDownClass(cls):
        cls.c.close()

    def test_training_loop_stream(self):
        x = self.rng.normal(size=(120, 6)).astype(np.float32)
        y = self.rng.normal(size=(80, 6))
        with self.c.stream(6) as s:
            self.assertEqual(len(s.id), 32)
            for i in range(0, 120, 25):
                n = s.append(x[i:i + 25])
            self.assertEqual(n, 120)
            self.assertEqual(s.info().n, 120)
            n2, mean, com = s.moments()
            self.assertEqual(n2, 120)
            xc = x.astype(np.float64) - x.astype(np.float64).mean(axis=0)
            np.testing.assert_allclose(com, xc.T @ xc, rtol=1e-9, atol=1e-9)
            streamed = self.c.compute("fid", x=s, y=y).value
            as_dict = self.c.compute("fid", x={"stream": s.id}, y=y).value
            whole = self.c.compute("fid", x=x, y=y).value
            self.assertEqual(streamed, as_dict)
            self.assertAlmostEqual(streamed, whole, delta=1e-9 * whole)
            sid = s.id
        with self.assertRaises(evald.NotFound):
            self.c.streams.open(sid)

    def test_keep_and_moments_merge_and_reference(self):
        a = self.rng.normal(size=(30, 3))
        b = self.rng.normal(size=(20, 3))
        with self.c.stream(3, keep=True) as s:
            s.append(a)
            mb = b.mean(axis=0)
            bc = b - mb
            self.assertEqual(s.append_moments(20, mb, bc.T @ bc), 50)
        again = self.c.streams.open(s.id)
        self.assertEqual(again.dim, 3)
        self.assertEqual(again.info().n, 50)
        ref = s.to_reference("py-from-stream")
        self.assertEqual(ref.n, 50)
        got = self.c.references.get("py-from-stream", include_stats=True)
        np.testing.assert_allclose(got.sigma, np.cov(np.vstack([a, b]), rowvar=False), rtol=1e-9)
        self.c.references.delete("py-from-stream")
        again.delete()
        again.delete()  # already gone: not an error

    def test_append_torch_and_array_protocol(self):
        class Box:
            def __init__(self, a):
                self.a = a

            def __array__(self, dtype=None):
                return self.a

        with self.c.stream(2) as s:
            self.assertEqual(s.append(Box(np.ones((3, 2)))), 3)
            try:
                import torch
            except ImportError:
                self.skipTest("torch is not installed (apt-get install python3-torch)")
            t = torch.ones(4, 2, requires_grad=True) * 1.5
            self.assertEqual(s.append(t), 7)

    def test_bad_batch_is_typed(self):
        with self.c.stream(3) as s:
            with self.assertRaises(evald.ValidationError) as cm:
                s.append(np.zeros((2, 4)))
            self.assertEqual(cm.exception.code, "shape_mismatch")
            with self.assertRaises(evald.ValidationError) as cm:
                s.append(np.array([[1.0, np.nan, 0.0]]))
            self.assertEqual(cm.exception.code, "non_finite")


class Tallies(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.c = live.client()

    @classmethod
    def tearDownClass(cls):
        cls.c.close()

    def test_regression_tally(self):
        t = self.c.tallies.create("py-reg", "regression", outputs=2, multioutput="raw_values")
        self.assertEqual(t.n, 0)
        self.assertEqual(self.c.tallies.push("py-reg", [[0.5, 1], [-1, 1]], [[0, 2], [-1, 2]]), 2)
        self.assertEqual(self.c.tallies.push("py-reg", np.array([[7.0, -6.0]]),
                                             np.array([[8.0, -5.0]])), 3)
        got = self.c.tallies.get("py-reg")
        self.assertEqual(got.scores["mse"], [0.4166666666666667, 1.0])
        self.c.tallies.create("py-reg2", "regression", outputs=2, multioutput="raw_values")
        self.c.tallies.push("py-reg2", [[2, 2]], [[2.5, 1]], sample_weight=[1.0])
        self.assertEqual(self.c.tallies.merge("py-reg", from_="py-reg2"), 4)
        state = self.c.tallies.get("py-reg2", include_state=True).state
        self.assertEqual(self.c.tallies.merge("py-reg", state=state), 5)
        self.assertEqual({t.name for t in self.c.tallies.list()} >= {"py-reg", "py-reg2"}, True)
        self.assertTrue(self.c.tallies.delete("py-reg2").deleted)
        self.c.tallies.delete("py-reg")
        with self.assertRaises(TypeError):
            self.c.tallies.merge("py-reg")


if __name__ == "__main__":
    unittest.main()
