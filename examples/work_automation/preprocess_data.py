"""preprocess_data: merge every weekly drop received so far, clean it, split train/test.

    python preprocess_data.py --raw-dir RAW --out-dir RUN_DIR --until 2026-11-22

Run by the `preprocess_data` task of work_automation (a BashOperator); also usable by hand.
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # examples/, for seedlib

from seedlib.weekly_ml import preprocess


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw-dir", required=True, help="folder of downloaded drops (<week>.csv)")
    parser.add_argument("--out-dir", required=True, help="the run's folder: train.csv and test.csv go there")
    parser.add_argument("--until", help="use drops of weeks before this date (the end of the run's interval)")
    args = parser.parse_args(argv)
    try:
        summary = preprocess(args.raw_dir, args.out_dir, args.until)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"Merged {len(summary['drops'])} drop(s): {', '.join(summary['drops'])}")
    print(f"Removed {summary['duplicates_removed']} duplicate and {summary['incomplete_removed']} incomplete row(s)")
    print(json.dumps({"train_rows": summary["train_rows"], "test_rows": summary["test_rows"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
