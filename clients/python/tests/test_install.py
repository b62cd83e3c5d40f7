"""The package installs offline with pip, and its archives are sound."""

import os
import subprocess
import sys
import tarfile
import tempfile
import unittest
import zipfile

import live

SRC = os.path.dirname(live.HERE)
sys.path.insert(0, os.path.join(SRC, "_build"))
import evald_build  # noqa: E402


def run(cmd, **kw):
    env = dict(os.environ, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
               PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, env=env, timeout=300, **kw)


class Install(unittest.TestCase):
    def test_wheel_and_sdist(self):
        import evald
        with tempfile.TemporaryDirectory() as d:
            whl = evald_build.build_wheel(d)
            self.assertEqual(whl, "evald-%s-py3-none-any.whl" % evald.__version__)
            with zipfile.ZipFile(os.path.join(d, whl)) as z:
                names = z.namelist()
                record = z.read("evald-%s.dist-info/RECORD" % evald.__version__).decode()
                meta = z.read("evald-%s.dist-info/METADATA" % evald.__version__).decode()
            for mod in ("evald/__init__.py", "evald/client.py", "evald/py.typed"):
                self.assertIn(mod, names)
                self.assertIn(mod + ",sha256=", record)
            self.assertIn("Requires-Dist: numpy", meta)
            self.assertIn("Version: " + evald.__version__, meta)
            sd = evald_build.build_sdist(d)
            with tarfile.open(os.path.join(d, sd)) as t:
                members = t.getnames()
            base = "evald-%s/" % evald.__version__
            for f in ("pyproject.toml", "_build/evald_build.py", "evald/client.py", "PKG-INFO"):
                self.assertIn(base + f, members)

    def test_pip_install_offline_into_a_venv(self):
        py = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
        if run([py, "-c", "import venv"]).returncode != 0:
            self.skipTest("%s has no venv (apt-get install python3-venv)" % py)
        pip = run([py, "-m", "pip", "--version"])
        if pip.returncode != 0:
            self.skipTest("%s has no pip (apt-get install python3-pip)" % py)
        with tempfile.TemporaryDirectory() as d:
            venv = os.path.join(d, "venv")
            vpy = os.path.join(venv, "bin", "python")
            # The system's numpy is seen through --system-site-packages.
            # pip >= 22.3 installs into another interpreter (--python), which
            # spares seeding the venv with its own pip.
            major, minor = (int(v) for v in pip.stdout.split()[1].split(".")[:2])
            if (major, minor) >= (22, 3):
                r = run([py, "-m", "venv", "--without-pip", "--system-site-packages", venv])
                self.assertEqual(r.returncode, 0, r.stdout)
                r = run([py, "-m", "pip", "--python", vpy, "install", "--no-index", SRC], cwd=d)
            else:
                r = run([py, "-m", "venv", "--system-site-packages", venv])
                self.assertEqual(r.returncode, 0, r.stdout)
                r = run([vpy, "-m", "pip", "install", "--no-index", SRC], cwd=d)
            self.assertEqual(r.returncode, 0, r.stdout)
            r = run([vpy, "-c", "import evald, numpy; print(evald.__file__, evald.__version__);"
                     "print(evald.Client('http://127.0.0.1:1').url)"], cwd=d)
            self.assertEqual(r.returncode, 0, r.stdout)
            self.assertIn(os.path.join(venv, "lib"), r.stdout)
            r = run([vpy, "-c", "import importlib.metadata as m; print(m.requires('evald'))"], cwd=d)
            self.assertIn("numpy", r.stdout)
            url = os.environ.get("EVALD_URL")
            if url:  # the installed copy talks to the daemon too
                r = run([vpy, "-c", "import evald; c = evald.Client(%r, token='');"
                         "print(c.compute('mse', input=[1.0], target=[3.0]).value)" % url], cwd=d)
                self.assertEqual(r.stdout.strip().splitlines()[-1], "4.0", r.stdout)

    def test_pip_install_target(self):
        py = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
        if run([py, "-m", "pip", "--version"]).returncode != 0:
            self.skipTest("%s has no pip (apt-get install python3-pip)" % py)
        with tempfile.TemporaryDirectory() as d:
            tgt = os.path.join(d, "site")
            r = run([py, "-m", "pip", "install", "--no-index", "--no-deps", "--target", tgt, SRC], cwd=d)
            self.assertEqual(r.returncode, 0, r.stdout)
            self.assertTrue(os.path.exists(os.path.join(tgt, "evald", "client.py")))
            self.assertFalse(os.path.exists(os.path.join(SRC, "build")))


class Runner(unittest.TestCase):
    def test_unittest_fallback_prints_tap(self):
        # Without pytest the suite runs under unittest: the same TAP lines.
        env = dict(os.environ, EVALD_PY_RUNNER="unittest")
        r = subprocess.run([sys.executable, os.path.join(live.HERE, "tap_run.py"), "test_retries.py"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                           env=env, timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0], "# runner: unittest")
        oks = [ln for ln in lines if ln.startswith("ok ")]
        self.assertGreaterEqual(len(oks), 7)
        self.assertIn("Retries.test_503_retry_after_then_200", r.stdout)
        self.assertEqual(lines[-1], "1..%d" % len(oks))


if __name__ == "__main__":
    unittest.main()
