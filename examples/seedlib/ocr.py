"""Image preprocessing and OCR (Pillow + Tesseract), and the accuracy measure used to judge them.

Scanned pages arrive grey, speckled and a little crooked. Tesseract reads clean, level, black on
white text best, so `preprocess` does: grayscale → median filter (removes speckles) → Otsu
threshold (pure black/white) → deskew (the angle whose horizontal projection profile has the
sharpest rows) → resize (Tesseract likes text around 30 px high).
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

TESSERACT_CONFIG = "--psm 6"  # one uniform block of text: our documents are simple left-aligned pages


def to_grayscale(image: Image.Image) -> Image.Image:
    return image.convert("L")


def denoise(image: Image.Image, size: int = 3) -> Image.Image:
    """Median filter: isolated speckles vanish, letter strokes (wider than one pixel) survive."""
    from PIL import ImageFilter

    return image.filter(ImageFilter.MedianFilter(size))


def otsu_level(image: Image.Image) -> int:
    """The grey level that best splits the histogram into two classes (Otsu's method)."""
    hist = image.histogram()[:256]
    total = sum(hist)
    sum_all = sum(i * h for i, h in enumerate(hist))
    weight_bg = sum_bg = 0.0
    best_level, best_var = 127, -1.0
    for level in range(256):
        weight_bg += hist[level]
        if weight_bg == 0:
            continue
        weight_fg = total - weight_bg
        if weight_fg == 0:
            break
        sum_bg += level * hist[level]
        mean_bg = sum_bg / weight_bg
        mean_fg = (sum_all - sum_bg) / weight_fg
        between = weight_bg * weight_fg * (mean_bg - mean_fg) ** 2
        if between > best_var:
            best_var, best_level = between, level
    return best_level


def threshold(image: Image.Image, level: int | None = None) -> Image.Image:
    """Black text on white: pixels at or below `level` (Otsu's if None) become 0, the rest 255."""
    level = otsu_level(image) if level is None else level
    return image.point(lambda p: 0 if p <= level else 255)


def _profile_score(binary: Image.Image, angle: float) -> float:
    """How sharply the ink falls into rows once rotated by `angle`: the sum of squared row-to-row changes."""
    import numpy as np
    from PIL import Image as PILImage

    rotated = binary.rotate(angle, resample=PILImage.Resampling.NEAREST, expand=True, fillcolor=255)
    ink = (np.asarray(rotated) < 128).sum(axis=1).astype(np.float64)
    return float(np.sum(np.diff(ink) ** 2))


def estimate_skew(binary: Image.Image, max_angle: float = 5.0) -> float:
    """The rotation (degrees) that levels the text lines: a coarse search, then a fine one around the best."""
    small = binary
    if binary.width > 600:  # the angle does not need full resolution, and this is the slow part
        ratio = 600 / binary.width
        small = binary.resize((600, max(1, int(binary.height * ratio))))
    best = max(
        (a / 2 for a in range(int(-max_angle * 2), int(max_angle * 2) + 1)), key=lambda a: _profile_score(small, a)
    )
    fine = [best + d / 10 for d in range(-5, 6)]
    return max(fine, key=lambda a: _profile_score(small, a))


def deskew(binary: Image.Image, max_angle: float = 5.0) -> tuple[Image.Image, float]:
    from PIL import Image as PILImage

    angle = estimate_skew(binary, max_angle)
    if abs(angle) < 0.05:
        return binary, 0.0
    return binary.rotate(angle, resample=PILImage.Resampling.BICUBIC, expand=True, fillcolor=255), angle


def resize_for_ocr(image: Image.Image, scale: float = 1.5) -> Image.Image:
    from PIL import Image as PILImage

    if scale == 1:
        return image
    return image.resize((int(image.width * scale), int(image.height * scale)), PILImage.Resampling.LANCZOS)


def preprocess(image: Image.Image, *, scale: float = 1.5) -> tuple[Image.Image, float]:
    """The full cleaning chain; returns the image for Tesseract and the skew angle it corrected."""
    gray = denoise(to_grayscale(image))
    binary = threshold(gray)
    level, angle = deskew(binary)
    return threshold(resize_for_ocr(level, scale), 128), angle


def ocr(image: Image.Image) -> str:
    """Tesseract's reading of `image` (English), whitespace normalised."""
    import pytesseract

    return normalise(pytesseract.image_to_string(image, lang="eng", config=TESSERACT_CONFIG))


def normalise(text: str) -> str:
    """One line per text line, single spaces, no blank lines: what accuracy is measured on."""
    lines = (re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions), two rows of the classic table."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def char_accuracy(truth: str, read: str) -> float:
    """1 - edit distance / length of the truth, floored at 0 (1.0 is a perfect reading)."""
    truth, read = normalise(truth), normalise(read)
    if not truth:
        return 1.0 if not read else 0.0
    return max(0.0, 1.0 - levenshtein(truth, read) / len(truth))


def similarity(truth: str, read: str) -> float:
    """difflib's ratio, a second opinion that is cheap on long texts."""
    return difflib.SequenceMatcher(None, normalise(truth), normalise(read)).ratio()


def read_file(path: str | Path, *, clean: bool = True) -> tuple[str, float]:
    """OCR one image file, preprocessed unless `clean` is False; returns (text, corrected angle)."""
    from PIL import Image

    with Image.open(path) as image:
        image.load()
        if not clean:
            return ocr(to_grayscale(image)), 0.0
        processed, angle = preprocess(image)
    return ocr(processed), angle


def evaluate(folder: str | Path, *, clean: bool = True) -> dict[str, object]:
    """Read every image of a drop and compare with its ground truth: mean and worst character accuracy."""
    from seedlib.ocr_data import load_ground_truth

    folder = Path(folder)
    scores = []
    for doc in load_ground_truth(folder):
        text, _ = read_file(folder / doc.file, clean=clean)
        scores.append({"file": doc.file, "category": doc.category, "accuracy": round(char_accuracy(doc.text, text), 4)})
    values = [s["accuracy"] for s in scores]
    return {
        "images": len(scores),
        "mean_accuracy": round(sum(values) / len(values), 4) if values else 0.0,
        "min_accuracy": min(values) if values else 0.0,
        "per_image": scores,
    }


def main(argv: list[str] | None = None) -> int:
    """`python -m seedlib.ocr DROP_FOLDER [--raw]`: print the character accuracy of OCR on a drop."""
    import argparse
    import json

    parser = argparse.ArgumentParser(
        description="Measure OCR character accuracy on a drop written by seedlib.ocr_data."
    )
    parser.add_argument("folder")
    parser.add_argument("--raw", action="store_true", help="skip preprocessing (to see what it is worth)")
    args = parser.parse_args(argv)
    result = evaluate(args.folder, clean=not args.raw)
    print(json.dumps({k: v for k, v in result.items() if k != "per_image"}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
