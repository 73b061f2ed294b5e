"""``python -m muster``: the same command as ``muster`` (for a machine where the script is not on PATH)."""

import sys

from muster.cli import main

if __name__ == "__main__":
    sys.exit(main())
