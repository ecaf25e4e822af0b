"""Several Descent Lab servers behind HAProxy on this machine: a class without a container runtime.

    python -m deploy.serve_class --replicas 3 --port 8500     (what `make serve-class` runs)

Each replica is `streamlit run server.py` on a loopback port of its own, with one BLAS thread and one
shared runs folder (a run saved through one replica opens through any other). HAProxy, from Debian's
package, listens on --port with the configuration compose uses (deploy/haproxy.cfg.in), so what is
tested here is what a department deploys. Ctrl-C stops them all.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from deploy.proxy_config import local_servers, render, replica_name

ROOT = Path(__file__).resolve().parents[1]
HEALTH = "/_stcore/health"
INSTALL_HINT = "HAProxy is not installed: apt-get install haproxy"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + HEALTH, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@dataclass
class Replica:
    name: str
    port: int
    proc: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Class:
    """N replicas and the proxy in front of them; a context manager that always stops all of them."""
    replicas: int = 2
    port: int = 0                      # the proxy's; 0: any free port
    runs_dir: Path | None = None       # shared by every replica; None: a temporary folder
    env: dict = field(default_factory=dict)  # more variables for the replicas (budgets, limits)
    timeout: float = 90.0
    members: list = field(default_factory=list)
    proxy: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "Class":
        if shutil.which("haproxy") is None:
            raise RuntimeError(INSTALL_HINT)
        self._tmp = tempfile.TemporaryDirectory(prefix="descentlab-class-")
        tmp = Path(self._tmp.name)
        self.runs_dir = Path(self.runs_dir or tmp / "runs").absolute()
        self.port = self.port or free_port()
        try:
            for i in range(1, self.replicas + 1):
                self.members.append(self._start_replica(replica_name(i), tmp))
            config = tmp / "haproxy.cfg"
            config.write_text(render(f"127.0.0.1:{self.port}", local_servers([m.port for m in self.members])))
            self.proxy_log = tmp / "haproxy.log"
            self.proxy = subprocess.Popen(["haproxy", "-db", "-f", str(config)], stdout=self.proxy_log.open("wb"),
                                          stderr=subprocess.STDOUT)
            self._wait(lambda: all(healthy(m.url) for m in self.members) and all(map(self.routes_to, self.members)),
                       "the class")
        except BaseException:
            self.__exit__()
            raise
        return self

    def _start_replica(self, name: str, tmp: Path) -> Replica:
        port, log = free_port(), tmp / f"{name}.log"
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "DESCENTLAB_RUNS_DIR": str(self.runs_dir), **self.env}
        cmd = [sys.executable, "-m", "streamlit", "run", "server.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
        return Replica(name, port, proc, log)

    def _wait(self, condition, what: str) -> None:
        deadline = time.monotonic() + self.timeout
        while not condition():
            dead = [m.name for m in self.members if m.proc.poll() is not None]
            if self.proxy is not None and self.proxy.poll() is not None:
                dead.append("haproxy: " + self.proxy_log.read_text(errors="replace")[-2000:])
            if dead or time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start: " + ("; ".join(dead) or "timed out"))
            time.sleep(0.2)

    def routes_to(self, member: Replica) -> bool:
        """The proxy sends a browser pinned to ``member`` there (its health checks have seen it up)."""
        pinned = urllib.request.Request(self.url + HEALTH, headers={"Cookie": f"DLREPLICA={member.name}"})
        try:
            with urllib.request.urlopen(pinned, timeout=2) as r:
                return r.headers.get("X-Descentlab-Replica") == member.name
        except OSError:
            return False

    def kill(self, name: str) -> None:
        """A replica dies at once (as a crashed process or a lost machine: no goodbye)."""
        member = next(m for m in self.members if m.name == name)
        member.proc.kill()
        member.proc.wait()

    def logs(self) -> dict[str, str]:
        return {m.name: m.log.read_text(errors="replace") for m in self.members}

    def __exit__(self, *exc) -> None:
        for p in [self.proxy, *(m.proc for m in self.members)]:
            if p is not None and p.poll() is None:
                p.terminate()
        for p in [self.proxy, *(m.proc for m in self.members)]:
            if p is None:
                continue
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self._tmp.cleanup()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--port", type=int, default=8500, help="where the proxy listens (the class's link)")
    ap.add_argument("--runs-dir", type=Path, default=ROOT / "runs", help="saved runs, shared by every replica")
    args = ap.parse_args(argv)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    with Class(args.replicas, args.port, args.runs_dir) as cls:
        print(f"{args.replicas} replicas behind HAProxy: open {cls.url} (Ctrl-C stops them all)", flush=True)
        try:
            while not stop and all(m.proc.poll() is None for m in cls.members) and cls.proxy.poll() is None:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
