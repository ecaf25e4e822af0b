"""Where the server's time goes while a room plays: py-spy samples the live server under bench.ws_load's
websocket users and this prints the functions that hold the most samples.

    python -m bench.profile_server [--sessions 10] [--seconds 20] [--raw FILE] [--no-steps] [--page compare]

Starts server.py as `make run` does, lets ``--sessions`` users play the default Playground (Network
panel) through the frame route, and records every thread of the server with ``py-spy record --idle``
off (waiting threads are not work) for ``--seconds``. Prints two tables: "self" (the function on top
of the stack: where the CPU is) and "inclusive" (anywhere on the stack: what a frame's work is made
of), each as a share of all samples, with the ws_load figures of the same window beside them. py-spy
comes from PyPI (`pip install py-spy`, in the bench extras); it needs to attach to a process
(ptrace), which a container may forbid.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.ws_load import PAGES, _run, page_client, per_core  # noqa: E402
from tests.browser import start_streamlit  # noqa: E402


def collapse(raw: str) -> tuple[collections.Counter, collections.Counter, int]:
    """(self samples, inclusive samples, total) by function from py-spy's raw (collapsed) output:
    one line per stack, "frame;frame;...;frame count", outermost first."""
    own, anywhere, total = collections.Counter(), collections.Counter(), 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [_name(f) for f in stack.split(";") if f]
        if not frames:
            continue
        total += n
        own[frames[-1]] += n
        for f in set(frames):
            anywhere[f] += n
    return own, anywhere, total


def _name(frame: str) -> str:
    """"fn (path/to/module.py:123)" -> "fn (module.py)": a function, wherever in it the sample fell."""
    fn, _, where = frame.partition(" (")
    return f"{fn} ({Path(where.rstrip(')').rsplit(':', 1)[0]).name})" if where else fn


def profile(sessions: int, seconds: float, raw_path: Path | None = None, steps: bool = True,
            page: str = "playground") -> dict:
    spy = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))
    if spy is None:
        raise SystemExit("py-spy is not installed: pip install py-spy")
    with start_streamlit(ROOT / "server.py") as (base, proc), tempfile.TemporaryDirectory() as tmp:
        url = base.replace("http", "ws", 1) + "/_stcore/stream"
        client, steps = page_client(page), steps and page == "playground"  # the other pages only play
        asyncio.run(_run(url, 1, 0.0, [proc.pid], lambda *_: None, client, steps))  # warm: imports, caches
        out = raw_path or Path(tmp) / "profile.txt"
        result: dict = {}

        # the users open and start playing first; then py-spy samples the steady state, which lasts
        # past its end (the users' last pause and leaving are not a frame's work)
        settle = min(20.0, 2.0 + 0.6 * sessions)

        def load():
            result.update(asyncio.run(_run(url, sessions, settle + seconds + 4, [proc.pid], lambda *_: None,
                                           client, steps)))
        users = threading.Thread(target=load)
        users.start()
        threading.Event().wait(settle)
        subprocess.run([spy, "record", "--pid", str(proc.pid), "--duration", str(int(seconds)), "--rate", "200",
                        "--format", "raw", "--output", str(out), "--nonblocking"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        users.join()
        own, anywhere, total = collapse(out.read_text())
    return dict(result, own=own, anywhere=anywhere, total=total)


def table(p: dict, top: int = 25) -> str:
    summary = (f"{p['frames'] / p['window']:.1f} user-frames/s at {p['cpu']:.0%} of a core: "
               f"{per_core(p):.1f} user-frames/s per core; {p['frame_bytes'] / max(p['frames'], 1) / 1000:.1f} kB "
               f"a frame. {p['total']:,} samples.")
    lines = [summary, ""]
    for title, counts in (("self", p["own"]), ("inclusive", p["anywhere"])):
        lines += [f"| {title}: function | share of samples |", "|---|---|"]
        lines += [f"| {name} | {n / p['total']:.1%} |" for name, n in counts.most_common(top)]
        lines.append("")
    return "\n".join(lines)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--raw", type=Path, help="keep py-spy's collapsed stacks here")
    ap.add_argument("--no-steps", action="store_true", help="the users only play: every sample is a frame's")
    ap.add_argument("--page", default="playground", choices=sorted(PAGES), help="the lab page the users play")
    args = ap.parse_args(argv)
    print(table(profile(args.sessions, args.seconds, args.raw, steps=not args.no_steps, page=args.page)))


if __name__ == "__main__":
    main()
