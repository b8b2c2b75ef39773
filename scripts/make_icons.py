"""Draw the Teams app icons into manifest/: `python scripts/make_icons.py [folder]`.

The committed PNGs are this script's output; tests/test_icons.py checks they still match, so a
change to the drawing means running the script again and committing both files.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

MANIFEST_DIR = Path(__file__).resolve().parent.parent / "manifest"
COLOUR_SIZE = 192
OUTLINE_SIZE = 32
# Keep in step with accentColor in manifest/manifest.template.json.
TEAL = (0, 122, 120)
WHITE = (255, 255, 255)
# Shapes are drawn this many times larger and scaled down, which smooths the edges.
SUPERSAMPLE = 8

Box = tuple[float, float, float, float]


def _scale(box: Box, factor: float) -> Box:
    return (box[0] * factor, box[1] * factor, box[2] * factor, box[3] * factor)


def _figure(
    draw: ImageDraw.ImageDraw, centre_x: float, top: float, height: float, fill: int
) -> None:
    """A person as a head and rounded shoulders; `height` runs from crown to the base line."""
    head = height * 0.36
    draw.ellipse((centre_x - head / 2, top, centre_x + head / 2, top + head), fill=fill)
    body_top = top + head * 1.12
    half_width = height * 0.34
    draw.rounded_rectangle(
        (centre_x - half_width, body_top, centre_x + half_width, top + height),
        radius=half_width * 0.9,
        fill=fill,
    )


def _colour_mask(size: int) -> Image.Image:
    """White parts of the colour icon: a video screen with a parent and child, and a play badge."""
    big = size * SUPERSAMPLE
    unit = big / COLOUR_SIZE
    mask = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(mask)
    # The screen: a white rounded rectangle, its inside cut back to teal.
    draw.rounded_rectangle(_scale((30, 46, 162, 146), unit), radius=14 * unit, fill=255)
    draw.rounded_rectangle(_scale((39, 55, 153, 137), unit), radius=8 * unit, fill=0)
    # Parent and child side by side, standing on the screen's lower edge.
    draw.rectangle(_scale((39, 137, 153, 146), unit), fill=255)
    _figure(draw, 72 * unit, 66 * unit, 71 * unit, 255)
    _figure(draw, 120 * unit, 93 * unit, 44 * unit, 255)
    # The camera stand under the screen.
    draw.rectangle(_scale((90, 146, 102, 158), unit), fill=255)
    draw.rounded_rectangle(_scale((70, 156, 122, 164), unit), radius=4 * unit, fill=255)
    # A play badge on the screen's corner: a white disc holding a teal triangle.
    draw.ellipse(_scale((128, 26, 172, 70), unit), fill=255)
    draw.polygon(
        [(143 * unit, 37 * unit), (143 * unit, 59 * unit), (162 * unit, 48 * unit)], fill=0
    )
    return mask.resize((size, size), Image.Resampling.BOX)


def colour_icon() -> Image.Image:
    """The 192x192 full-colour icon: white motif on a full-bleed teal square."""
    image = Image.new("RGB", (COLOUR_SIZE, COLOUR_SIZE), TEAL)
    image.paste(Image.new("RGB", image.size, WHITE), mask=_colour_mask(COLOUR_SIZE))
    return image


def outline_icon() -> Image.Image:
    """The 32x32 outline icon: white strokes on a transparent background, nothing else."""
    big = OUTLINE_SIZE * SUPERSAMPLE
    unit = big / OUTLINE_SIZE
    mask = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(mask)
    # A screen outline with a play triangle inside: the colour icon's idea at a size that reads.
    draw.rounded_rectangle(
        _scale((2, 6, 30, 26), unit), radius=4 * unit, outline=255, width=round(2 * unit)
    )
    draw.polygon(
        [(12 * unit, 10.5 * unit), (12 * unit, 21.5 * unit), (21.5 * unit, 16 * unit)], fill=255
    )
    # Teams tints the outline icon itself, so every pixel stays pure white and only alpha varies.
    image = Image.new("RGBA", (OUTLINE_SIZE, OUTLINE_SIZE), (*WHITE, 0))
    image.putalpha(mask.resize((OUTLINE_SIZE, OUTLINE_SIZE), Image.Resampling.BOX))
    return image


def write_icons(folder: Path) -> tuple[Path, Path]:
    """Write color.png and outline.png into `folder`; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    colour_path = folder / "color.png"
    outline_path = folder / "outline.png"
    colour_icon().save(colour_path, optimize=True)
    outline_icon().save(outline_path, optimize=True)
    return colour_path, outline_path


def main(argv: list[str]) -> int:
    """Write the icons to the folder named on the command line, or manifest/."""
    folder = Path(argv[1]) if len(argv) > 1 else MANIFEST_DIR
    for path in write_icons(folder):
        print(f"Wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
