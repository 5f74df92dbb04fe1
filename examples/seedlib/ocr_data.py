"""Scanned-looking documents with known text, so the OCR pipeline can be measured, not just run.

Each drop is a folder of PNG images (invoices, receipts, memos, shipping labels) plus
`ground_truth.json`: the exact text and category of every image. The images are rendered with
Pillow in DejaVu Sans (PIL's built-in font if it is missing), then slightly rotated and sprinkled
with noise, so that preprocessing (denoise, threshold, deskew) has something to fix.
The content is seeded by the drop's date: the same date always gives the same images.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image, ImageFont

CATEGORIES = ("invoice", "receipt", "memo", "shipping_label")
GROUND_TRUTH = "ground_truth.json"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "DejaVuSans.ttf",
)

_NAMES = ("Alice Martin", "Bao Nguyen", "Carla Rossi", "David Okafor", "Elena Petrova", "Farid Haddad")
_COMPANIES = ("Northwind Traders", "Blue Harbor Ltd", "Acme Supplies", "Tradewind Logistics", "Green Valley Farm")
_CITIES = ("Lyon", "Hanoi", "Porto", "Nairobi", "Denver", "Oslo")
_ITEMS = ("Paper reams", "Printer toner", "Desk lamp", "Coffee beans", "Cable ties", "Notebook", "Stapler")
_MEMO_TOPICS = ("office move", "quarterly review", "security training", "holiday schedule", "budget freeze")
_CARRIERS = ("FastShip", "Oceanic Freight", "Parcel Express")


@dataclass(frozen=True)
class Document:
    """One generated image: where it is, what it is, and exactly what it says."""

    file: str
    category: str
    text: str
    angle: float


def _invoice(rng: random.Random) -> list[str]:
    lines = ["INVOICE", f"Invoice number INV-{rng.randint(1000, 9999)}", f"Bill to {rng.choice(_COMPANIES)}"]
    total = 0.0
    for item in rng.sample(_ITEMS, 3):
        qty, price = rng.randint(1, 9), rng.randint(2, 90) + rng.choice((0.0, 0.5, 0.25))
        total += qty * price
        lines.append(f"{item} {qty} x {price:.2f}")
    lines += [f"Amount due {total:.2f} EUR", f"Payment terms net {rng.choice((15, 30, 45))} days"]
    return lines


def _receipt(rng: random.Random) -> list[str]:
    lines = [
        "RECEIPT",
        f"Store {rng.choice(_CITIES)} {rng.randint(10, 99)}",
        f"Cashier {rng.choice(_NAMES).split()[0]}",
    ]
    total = 0.0
    for item in rng.sample(_ITEMS, 3):
        price = rng.randint(1, 30) + rng.choice((0.0, 0.5, 0.99))
        total += price
        lines.append(f"{item} {price:.2f}")
    lines += [f"Total paid {total:.2f}", f"Card ending {rng.randint(1000, 9999)} thank you"]
    return lines


def _memo(rng: random.Random) -> list[str]:
    topic = rng.choice(_MEMO_TOPICS)
    return [
        "MEMO",
        f"To all staff from {rng.choice(_NAMES)}",
        f"Subject {topic}",
        f"Please read the notes about the {topic}",
        f"The meeting is on day {rng.randint(1, 28)} at {rng.randint(8, 17)} hours",
        "Reply to this memo with any questions",
    ]


def _shipping_label(rng: random.Random) -> list[str]:
    return [
        "SHIPPING LABEL",
        f"Ship to {rng.choice(_NAMES)}",
        f"{rng.randint(1, 250)} Harbour Street {rng.choice(_CITIES)}",
        f"Carrier {rng.choice(_CARRIERS)}",
        f"Tracking {rng.randint(100000, 999999)}{rng.randint(1000, 9999)}",
        f"Weight {rng.randint(1, 40)} kg priority {rng.choice(('standard', 'express'))}",
    ]


_WRITERS = {"invoice": _invoice, "receipt": _receipt, "memo": _memo, "shipping_label": _shipping_label}


def load_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans at `size` points; PIL's default bitmap font where no TTF is installed."""
    from PIL import ImageFont

    for candidate in FONT_CANDIDATES:
        try:
            return ImageFont.truetype(candidate, size)
        except OSError:
            continue
    return ImageFont.load_default()


def render(lines: list[str], *, angle: float, noise: float, rng: random.Random, font_size: int = 26) -> Image.Image:
    """Black text on a white page, rotated by `angle` degrees, with a fraction `noise` of speckled pixels."""
    from PIL import Image, ImageDraw

    font = load_font(font_size)
    line_height = int(font_size * 1.6)
    width = 900
    height = line_height * len(lines) + 80
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    for i, line in enumerate(lines):
        draw.text((40, 40 + i * line_height), line, fill=0, font=font)
    page = page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    pixels = page.load()
    w, h = page.size
    for _ in range(int(w * h * noise)):
        x, y = rng.randrange(w), rng.randrange(h)
        pixels[x, y] = rng.choice((0, 60, 200))  # salt and pepper, some mid-grey
    return page


def generate(
    count: int, *, seed: str | int, max_angle: float = 3.0, noise: float = 0.02
) -> list[tuple[Document, Image.Image]]:
    """`count` documents, categories in turn, all content and distortion drawn from `seed`."""
    rng = random.Random(str(seed))
    out = []
    for i in range(count):
        category = CATEGORIES[i % len(CATEGORIES)]
        lines = _WRITERS[category](rng)
        angle = round(rng.uniform(-max_angle, max_angle), 2)
        image = render(lines, angle=angle, noise=noise, rng=rng)
        out.append((Document(f"{category}_{i:03d}.png", category, "\n".join(lines), angle), image))
    return out


def write_drop(
    folder: str | Path, count: int, *, seed: str | int, max_angle: float = 3.0, noise: float = 0.02
) -> list[Document]:
    """Write `count` images and their ground truth into `folder` (created if needed)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    docs = []
    for doc, image in generate(count, seed=seed, max_angle=max_angle, noise=noise):
        image.save(folder / doc.file)
        docs.append(doc)
    (folder / GROUND_TRUTH).write_text(json.dumps([asdict(d) for d in docs], indent=2), encoding="utf-8")
    return docs


def drop_dir(ftp_root: str | Path, ds: str) -> Path:
    """Where the FTP server keeps the drop of one logical date: `<root>/ocr/<YYYY-MM-DD>/`."""
    return Path(ftp_root) / "ocr" / ds


def publish_drops(ftp_root: str | Path, dates: list[str], count: int = 12) -> list[Path]:
    """Fill an FTP root with one drop per logical date (what an upstream scanner would upload)."""
    folders = []
    for ds in dates:
        folder = drop_dir(ftp_root, ds)
        write_drop(folder, count, seed=ds)
        folders.append(folder)
    return folders


def load_ground_truth(folder: str | Path) -> list[Document]:
    data = json.loads((Path(folder) / GROUND_TRUTH).read_text(encoding="utf-8"))
    return [Document(**row) for row in data]


def main(argv: list[str] | None = None) -> int:
    """`python -m seedlib.ocr_data FTP_ROOT --weeks 4`: publish the drops of the last weeks for the OCR DAGs."""
    import argparse
    from datetime import date

    from seedlib.drops import drop_weeks

    parser = argparse.ArgumentParser(
        description="Write OCR image drops (one per weekly logical date) into an FTP root."
    )
    parser.add_argument("ftp_root", help="folder served by the FTP server (drops go to <root>/ocr/<YYYY-MM-DD>/)")
    parser.add_argument("--weeks", type=int, default=4, help="how many weeks back, ending with the current week")
    parser.add_argument("--count", type=int, default=24, help="images per drop (categories in turn)")
    args = parser.parse_args(argv)
    dates = [d.isoformat() for d in drop_weeks(args.weeks, date.today())]  # @weekly logical dates are Sundays
    for folder in publish_drops(args.ftp_root, dates, args.count):
        print(folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
