"""A PEP 517 build backend for the evald client, standard library only.

pip builds a project in an isolated environment holding what
``[build-system] requires`` names; with setuptools named there, an offline
machine cannot build at all.  This backend needs nothing: it writes the
wheel (a zip with the package, METADATA, WHEEL and RECORD), the sdist (a
tar.gz of the source tree) and a PEP 660 editable wheel itself.
"""

import base64
import hashlib
import io
import os
import re
import tarfile
import time
import zipfile

NAME = "evald"
SUMMARY = "Python client for the evald evaluation-metrics service"
REQUIRES_PYTHON = ">=3.8"
REQUIRES = ["numpy"]
EXTRAS = {"progress": ["tqdm"]}
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# What an sdist carries besides the package: enough to build again.
SDIST_EXTRA = ["pyproject.toml", "README.md", "_build/evald_build.py"]
# Reproducible archives: a fixed timestamp unless SOURCE_DATE_EPOCH says.
EPOCH = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))


def _version():
    path = os.path.join(HERE, NAME, "_version.py")
    with open(path, encoding="utf-8") as f:
        m = re.search(r'^__version__ = "([^"]+)"', f.read(), re.M)
    if not m:
        raise RuntimeError("no __version__ in " + path)
    return m.group(1)


def _metadata():
    lines = [
        "Metadata-Version: 2.1",
        "Name: " + NAME,
        "Version: " + _version(),
        "Summary: " + SUMMARY,
        "Requires-Python: " + REQUIRES_PYTHON,
    ]
    lines += ["Requires-Dist: " + r for r in REQUIRES]
    for extra, reqs in EXTRAS.items():
        lines.append("Provides-Extra: " + extra)
        lines += ['Requires-Dist: %s; extra == "%s"' % (r, extra) for r in reqs]
    readme = os.path.join(HERE, "README.md")
    if os.path.exists(readme):
        lines.append("Description-Content-Type: text/markdown")
        with open(readme, encoding="utf-8") as f:
            return "\n".join(lines) + "\n\n" + f.read()
    return "\n".join(lines) + "\n"


def _package_files():
    """(archive name, path) of every source file of the package, sorted."""
    out = []
    for root, dirs, files in os.walk(os.path.join(HERE, NAME)):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for f in sorted(files):
            if f.endswith((".py", ".typed")):
                path = os.path.join(root, f)
                out.append((os.path.relpath(path, HERE).replace(os.sep, "/"), path))
    return out


def _hash(data):
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class _Wheel:
    """A wheel being written: each entry is hashed into RECORD."""

    def __init__(self, path, distinfo):
        self.zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED)
        self.distinfo = distinfo
        self.records = []

    def add(self, name, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        info = zipfile.ZipInfo(name, time.gmtime(EPOCH)[:6])
        info.external_attr = 0o644 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        self.zip.writestr(info, data)
        self.records.append("%s,%s,%d" % (name, _hash(data), len(data)))

    def close(self):
        tag = "Wheel-Version: 1.0\nGenerator: evald_build\n"
        self.add(self.distinfo + "/WHEEL", tag + "Root-Is-Purelib: true\nTag: py3-none-any\n")
        self.add(self.distinfo + "/top_level.txt", NAME + "\n")
        record = self.distinfo + "/RECORD"
        self.records.append(record + ",,")
        info = zipfile.ZipInfo(record, time.gmtime(EPOCH)[:6])
        info.external_attr = 0o644 << 16
        self.zip.writestr(info, "\n".join(self.records) + "\n")
        self.zip.close()


def _wheel_name():
    return "%s-%s-py3-none-any.whl" % (NAME, _version())


def _distinfo():
    return "%s-%s.dist-info" % (NAME, _version())


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    d = os.path.join(metadata_directory, _distinfo())
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "METADATA"), "w", encoding="utf-8") as f:
        f.write(_metadata())
    return _distinfo()


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    w = _Wheel(os.path.join(wheel_directory, _wheel_name()), _distinfo())
    try:
        for name, path in _package_files():
            with open(path, "rb") as f:
                w.add(name, f.read())
        w.add(_distinfo() + "/METADATA", _metadata())
    finally:
        w.close()
    return _wheel_name()


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """A wheel holding only a .pth that puts this source tree on sys.path."""
    w = _Wheel(os.path.join(wheel_directory, _wheel_name()), _distinfo())
    try:
        w.add("_evald_editable.pth", HERE + "\n")
        w.add(_distinfo() + "/METADATA", _metadata())
    finally:
        w.close()
    return _wheel_name()


def build_sdist(sdist_directory, config_settings=None):
    base = "%s-%s" % (NAME, _version())
    name = base + ".tar.gz"
    files = [(n, p) for n, p in _package_files()]
    files += [(n, os.path.join(HERE, n)) for n in SDIST_EXTRA if os.path.exists(os.path.join(HERE, n))]
    pkg_info = _metadata().encode("utf-8")
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for arcname, path in sorted(files):
            with open(path, "rb") as f:
                _tar_add(tar, base + "/" + arcname, f.read())
        _tar_add(tar, base + "/PKG-INFO", pkg_info)
    return name


def _tar_add(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = EPOCH
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))
