"""`python -m descentlab ...`: see descentlab/engine/cli.py."""
import sys

from descentlab.engine.cli import main

if __name__ == "__main__":
    sys.exit(main())
