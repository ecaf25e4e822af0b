"""A line per test file as it finishes ("tests/test_x.py  34 passed  12.3 s"), for runs on several
pytest-xdist workers, whose own progress is dots: a person watching CI sees where the suite is and
which file failed."""
from __future__ import annotations

import time
from collections import Counter, defaultdict


class FileProgress:
    def __init__(self, terminal):
        self.terminal = terminal
        self.current: dict[str, str] = {}          # worker -> the file it is running
        self.started: dict[str, float] = {}        # file -> when its first report arrived
        self.outcomes: dict[str, Counter] = defaultdict(Counter)

    def pytest_runtest_logreport(self, report):
        file = report.nodeid.split("::", 1)[0]
        worker = getattr(report, "node", None)
        worker = getattr(worker, "gateway", None) and worker.gateway.id or "main"
        if self.current.get(worker) != file:
            self._finish(self.current.get(worker))
            self.current[worker] = file
            self.started.setdefault(file, time.monotonic())
        if report.when == "call" or report.outcome != "passed":
            self.outcomes[file][report.outcome] += 1

    def pytest_report_teststatus(self, report):
        """No dot per passed test: the file lines say it (failures and skips keep their letters)."""
        if report.when == "call" and report.passed:
            return "passed", "", "PASSED"
        return None

    def pytest_sessionfinish(self):
        self.terminal.write("\n")  # after the reporter's "[100%]"
        for file in list(self.current.values()):
            self._finish(file)

    def _finish(self, file: str | None) -> None:
        if file is None or file not in self.started:
            return
        counts = ", ".join(f"{n} {outcome}" for outcome, n in sorted(self.outcomes[file].items()))
        seconds = time.monotonic() - self.started.pop(file)
        self.terminal.ensure_newline()
        self.terminal.write_line(f"{file}  {counts or 'no tests'}  {seconds:.1f} s")
