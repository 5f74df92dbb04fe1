"""Write N weekly data drops for the weekly pipeline: `python make_drops.py FOLDER -n 3 --end 2026-11-22`.

Put them where the FTP server serves `drops/` (see examples/servers.py and docs/seed-pipelines.md).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # examples/, for seedlib

from seedlib.drops import main

if __name__ == "__main__":
    sys.exit(main())
