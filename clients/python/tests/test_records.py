"""Answers as objects and arrays to the wire: no daemon needed."""

import copy
import io
import pickle
import unittest

import numpy as np

import live

evald = live.evald
from evald.tensors import encode_value, npy_chunks, packed, plain_value  # noqa: E402


class Records(unittest.TestCase):
    def test_result_fields(self):
        r = evald.Result({"metric": "fid", "value": 1.5, "params": {"seed": 0}, "warnings": ["w"],
                          "elapsed_ms": 0.1, "mean_term": 0.5})
        self.assertEqual((r.value, r.mean_term, r["mean_term"], r.warnings), (1.5, 0.5, 0.5, ["w"]))
        self.assertIn("mean_term", r)
        self.assertEqual(float(r), 1.5)
        self.assertEqual(r.to_dict()["metric"], "fid")
        self.assertIn("mean_term", dir(r))
        with self.assertRaises(AttributeError):
            r.nope
        with self.assertRaises(AttributeError):
            r.value = 2
        self.assertEqual(pickle.loads(pickle.dumps(r)), r)
        self.assertEqual(copy.deepcopy(r).value, 1.5)
        self.assertIsNone(evald.Result({"metric": "m", "values": [1.0]}).value)
        with self.assertRaises(ValueError):
            float(evald.Result({"metric": "m", "value": None, "warnings": ["not finite"]}))


class Wire(unittest.TestCase):
    def test_dtypes(self):
        cases = [(np.float16, "float32"), (np.bool_, "uint8"), (np.int16, "int64"),
                 (np.uint32, "int64"), (np.int32, "int32"), (np.uint8, "uint8"),
                 (np.float32, "float32"), (np.float64, "float64")]
        for dt, wire in cases:
            p = packed(np.ones((2, 3), dtype=dt))
            self.assertEqual((p["dtype"], p["shape"]), (wire, [2, 3]), dt)
        with self.assertRaises(TypeError):
            packed(np.ones(2, dtype=np.complex128))
        with self.assertRaises(ValueError):
            packed(np.array([2 ** 63], dtype=np.uint64))

    def test_big_endian_and_fortran_order(self):
        a = np.asfortranarray(np.arange(6, dtype=">f8").reshape(2, 3))
        p = packed(a)
        import base64
        back = np.frombuffer(base64.b64decode(p["data"]), "<f8").reshape(p["shape"])
        np.testing.assert_array_equal(back, a)

    def test_encode_value_shapes(self):
        self.assertEqual(encode_value(np.float64(2.5)), 2.5)
        self.assertEqual(encode_value([1, 2])["dtype"], "int64")
        self.assertEqual(encode_value([[1.0, 2.0]])["shape"], [1, 2])
        self.assertEqual(encode_value([[1, 2], [3]]), [[1, 2], [3]])  # ragged: the server says where
        layers = encode_value([np.zeros((1, 2, 2, 2)), np.zeros((1, 3, 1, 1))])
        self.assertEqual([x["shape"] for x in layers], [[1, 2, 2, 2], [1, 3, 1, 1]])
        self.assertEqual(encode_value({"reference": "r"}), {"reference": "r"})
        self.assertEqual(plain_value({"weight": np.array([1.0, 2.0])}), {"weight": [1.0, 2.0]})

    def test_npy_body_reads_back(self):
        a = np.random.default_rng(0).normal(size=(300, 7)).astype(np.float32)
        n, chunks = npy_chunks(a)
        data = b"".join(bytes(c) for c in chunks)
        self.assertEqual(len(data), n)
        self.assertEqual(len(data) - a.nbytes, 128)  # the header, 64-aligned
        np.testing.assert_array_equal(np.load(io.BytesIO(data)), a)


if __name__ == "__main__":
    unittest.main()
