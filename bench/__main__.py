"""`python -m bench` (what `make bench` runs): the engine's benchmarks, bench/run.py.
The browser and class benches run on their own: `python -m bench.playground_fps`, `bench.ws_load`,
`bench.class_capacity`, ..."""
import sys

from bench.run import main

sys.exit(int(main() or 0))
