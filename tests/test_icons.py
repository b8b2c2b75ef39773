"""The two app icons Teams requires: sizes, modes, transparency, and that they are the script's."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from PIL import Image, ImageChops

REPO_ROOT = Path(__file__).resolve().parent.parent
COLOUR = REPO_ROOT / "manifest" / "color.png"
OUTLINE = REPO_ROOT / "manifest" / "outline.png"


def _make_icons() -> ModuleType:
    # scripts/ is a folder of runnable files, not a package, so load the file by path.
    spec = importlib.util.spec_from_file_location("make_icons", REPO_ROOT / "scripts/make_icons.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def colour() -> Image.Image:
    with Image.open(COLOUR) as image:
        assert image.format == "PNG"
        image.load()
        return image


@pytest.fixture(scope="module")
def outline() -> Image.Image:
    with Image.open(OUTLINE) as image:
        assert image.format == "PNG"
        image.load()
        return image


def test_colour_icon_is_192_square(colour):
    assert colour.size == (192, 192)


def test_colour_icon_is_rgb_or_rgba(colour):
    assert colour.mode in ("RGB", "RGBA")


def test_colour_icon_is_full_bleed_with_no_transparent_pixels(colour):
    alpha = colour.convert("RGBA").getchannel("A")
    assert alpha.getextrema() == (255, 255)


def test_colour_icon_is_not_a_single_flat_colour(colour):
    assert len(colour.convert("RGB").getcolors(maxcolors=192 * 192) or []) > 2


def test_outline_icon_is_32_square(outline):
    assert outline.size == (32, 32)


def test_outline_icon_is_rgba(outline):
    assert outline.mode == "RGBA"


def test_outline_icon_background_is_transparent(outline):
    corners = [(0, 0), (31, 0), (0, 31), (31, 31)]
    assert [outline.getpixel(corner)[3] for corner in corners] == [0, 0, 0, 0]


def test_outline_icon_is_mostly_transparent(outline):
    transparent = outline.getchannel("A").histogram()[0]
    assert transparent > 32 * 32 // 2


def test_outline_icon_draws_something_fully_opaque(outline):
    assert outline.getchannel("A").getextrema()[1] == 255


def test_every_visible_outline_pixel_is_white(outline):
    not_white = [
        (index, pixel)
        for index, pixel in enumerate(outline.get_flattened_data())
        if pixel[3] > 0 and pixel[:3] != (255, 255, 255)
    ]
    assert not_white == []


def test_committed_icons_are_what_the_script_draws():
    script = _make_icons()
    with Image.open(COLOUR) as colour, Image.open(OUTLINE) as outline:
        assert ImageChops.difference(colour.convert("RGB"), script.colour_icon()).getbbox() is None
        assert ImageChops.difference(outline, script.outline_icon()).getbbox() is None
