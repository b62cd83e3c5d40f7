"""Datasets and drift reports against a live daemon."""

import unittest

import numpy as np

import live
import evald

AGE = [31, 45, 27, 52, 38, 41, 29, 60]
PLAN = ["free", "pro", "free", "free", "pro", None, "free", "free"]
CUR = {"age": [55, 61, 48, 70, 66, 59, 52, 63],
       "plan": ["pro", "pro", "free", "pro", "pro", "pro", "free", "pro"]}


class Datasets(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.c = live.client()

    @classmethod
    def tearDownClass(cls):
        cls.c.close()

    def test_put_get_list_delete(self):
        info = self.c.datasets.put("py-ds", {"age": np.array(AGE, dtype=np.float64), "plan": PLAN})
        self.assertEqual((info.n_rows, info.n_kept, info.sampled), (8, 8, False))
        self.assertEqual(info.columns["plan"]["type"], "categorical")
        got = self.c.datasets.get("py-ds", rows=True)
        self.assertEqual(got.table["columns"]["plan"], PLAN)
        self.assertNotIn("table", self.c.datasets.get("py-ds"))
        self.assertIn("py-ds", [d.name for d in self.c.datasets.list()])
        self.assertTrue(self.c.datasets.delete("py-ds").deleted)
        with self.assertRaises(evald.NotFound):
            self.c.datasets.get("py-ds")

    def test_sample_is_seeded(self):
        x = np.arange(300, dtype=np.float64)
        a = self.c.datasets.put("py-big", {"x": x}, max_rows=20, seed=5)
        self.assertTrue(a.sampled)
        rows_a = self.c.datasets.get("py-big", rows=True).table
        self.c.datasets.put("py-big", {"x": x}, max_rows=20, seed=5)
        self.assertEqual(self.c.datasets.get("py-big", rows=True).table, rows_a)
        self.c.datasets.delete("py-big")

    def test_drift_on_a_dataset_equals_inline(self):
        self.c.datasets.put("py-ref", {"age": AGE, "plan": PLAN})
        inline = self.c.drift({"age": AGE, "plan": PLAN}, CUR, correction="bh")
        stored = self.c.drift("py-ref", {"columns": CUR}, correction="bh")
        self.assertEqual(stored.reference_dataset["name"], "py-ref")
        d = dict(stored)
        d.pop("reference_dataset")
        self.assertEqual(d, dict(inline))
        with self.assertRaises(evald.NotFound):
            self.c.drift("py-nope", CUR)
        self.c.datasets.delete("py-ref")


if __name__ == "__main__":
    unittest.main()
