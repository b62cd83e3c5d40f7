"""Run the client's tests and print one TAP line per test on stdout.

With pytest installed the tests run under pytest (with the TAP plugin
below); without it, under the standard library's unittest with a TAP
result class.  Everything else either runner prints goes to stderr, so
that stdout is pure TAP for Automake's driver.

    python3 tap_run.py [test-module-or-pattern ...]
"""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


class Tap:
    """TAP lines on a file of their own; the plan comes at the end."""

    def __init__(self, out):
        self.out = out
        self.n = 0
        self.failed = 0

    def line(self, ok, name, directive=""):
        self.n += 1
        if not ok:
            self.failed += 1
        self.out.write("%s %d - %s%s\n" % ("ok" if ok else "not ok", self.n, name,
                                           " # " + directive if directive else ""))
        self.out.flush()

    def diag(self, text):
        for ln in str(text).splitlines()[-30:]:
            self.out.write("# %s\n" % ln)

    def plan(self):
        self.out.write("1..%d\n" % self.n)
        self.out.flush()


class TapPlugin:
    """pytest hooks: one TAP line per test (call phase, or the failing setup)."""

    def __init__(self, tap):
        self.tap = tap

    def pytest_runtest_logreport(self, report):
        name = report.nodeid.split("::", 1)[-1].replace("::", ".")
        if report.when == "call" or (report.when == "setup" and not report.passed):
            if report.skipped:
                reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else "skipped"
                self.tap.line(True, name, "SKIP " + str(reason).replace("Skipped: ", ""))
            elif report.passed:
                self.tap.line(True, name)
            else:
                self.tap.line(False, name)
                self.tap.diag(report.longreprtext)
        elif report.when == "teardown" and report.failed:
            self.tap.line(False, name + " (teardown)")
            self.tap.diag(report.longreprtext)


class TapResult(unittest.TextTestResult):
    """unittest results as TAP lines."""

    tap = None

    def addSuccess(self, test):
        super().addSuccess(test)
        self.tap.line(True, self._name(test))

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.tap.line(False, self._name(test))
        self.tap.diag(self._exc_info_to_string(err, test))

    def addError(self, test, err):
        super().addError(test, err)
        self.tap.line(False, self._name(test))
        self.tap.diag(self._exc_info_to_string(err, test))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.tap.line(True, self._name(test), "SKIP " + reason)

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self.tap.line(False, self._name(test) + " (unexpected success)")

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self.tap.line(True, self._name(test), "TODO expected failure")

    @staticmethod
    def _name(test):
        return test.id().split(".", 1)[-1] if test.id().startswith("test_") else test.id()


def main(argv):
    # TAP goes to the original stdout; the runners' own chatter to stderr.
    tap = Tap(os.fdopen(os.dup(1), "w"))
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    sys.path.insert(0, HERE)
    argv = [a if os.path.exists(a) else os.path.join(HERE, a) for a in argv]
    use_unittest = os.environ.get("EVALD_PY_RUNNER") == "unittest"
    try:
        import pytest
    except ImportError:
        use_unittest = True
    if not use_unittest:
        tap.diag("runner: pytest %s" % pytest.__version__)
        args = ["-q", "-p", "no:cacheprovider", "-o", "console_output_style=classic",
                "--rootdir", HERE] + (argv or [HERE])
        rc = pytest.main(args, plugins=[TapPlugin(tap)])
        ok = rc in (0, 5) and tap.failed == 0
    else:
        tap.diag("runner: unittest")
        loader = unittest.TestLoader()
        if argv:
            suite = loader.loadTestsFromNames([os.path.splitext(os.path.basename(a))[0] for a in argv])
        else:
            suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
        TapResult.tap = tap
        runner = unittest.TextTestRunner(stream=sys.stderr, resultclass=TapResult, verbosity=0)
        ok = runner.run(suite).wasSuccessful()
    if tap.n == 0:
        tap.line(False, "the client's tests ran (none was collected)")
        ok = False
    tap.plan()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
