"""Where a picture's files live: the cleaned upload and its resized variants, stored
through the default storage (STORAGES) under names made from the upload's bytes, and the
srcsets a page draws from them, and the fixed-shape crops around the picture's focal point
that cards and link previews show. The checks and the image arithmetic are
articles/images.py, where a crop goes is articles/focal_crop.py; the model is
articles.models.Picture.
"""

import posixpath
from dataclasses import dataclass

from django.core.files.base import ContentFile

from articles import focal_crop, images

# The original is kept in the format it was cleaned to.
KEPT_FORMATS = ("PNG", "JPEG")


@dataclass(frozen=True)
class CropShape:
    """A crop a page shows: its aspect ratio, the widths it is made at (never wider than
    the crop itself), and whether modern formats are made (a link preview needs a JPEG or
    PNG that every site reading it understands)."""

    aspect: float
    widths: tuple
    modern_formats: bool


# A card or listing thumbnail (3:2), and the link preview Open Graph and Twitter ask for
# (1200 × 630, about 1.91:1).
CROP_SHAPES = {
    "card": CropShape(3 / 2, (480, 800, 1200), modern_formats=True),
    "share": CropShape(1200 / 630, (1200,), modern_formats=False),
}


@dataclass(frozen=True)
class Stored:
    """What ``store`` kept: the original's name, its size, and each variant as
    {"format", "width", "name"}."""

    name: str
    width: int
    height: int
    variants: list


def _save_once(storage, name, content):
    """Store ``content`` under ``name`` unless it is there already (names are content)."""
    if not storage.exists(name):
        storage.save(name, ContentFile(content))


def store(storage, upload):
    """Keep the cleaned upload and its variants, in a folder named by the upload's bytes.

    A folder that holds them already (the same file uploaded again, the fixture
    figures reloaded) is reused without decoding anything.
    """
    folder = f"images/{images.fingerprint(upload)[:32]}"
    kept = {fmt: f"{folder}/original.{images.EXTENSIONS[fmt]}" for fmt in KEPT_FORMATS}
    fmt = next((fmt for fmt, name in kept.items() if storage.exists(name)), None)
    if fmt is None:
        cleaned = images.clean(upload)
        fmt = cleaned.format
        _save_once(storage, kept[fmt], cleaned.content)
    else:
        with storage.open(kept[fmt]) as stored:
            cleaned = images.Cleaned.read(stored, fmt)
    planned = [
        (variant_fmt, width, f"{folder}/{width}w.{images.EXTENSIONS[variant_fmt]}")
        for width in images.variant_widths(cleaned.width)
        for variant_fmt in images.variant_formats(fmt)
    ]
    if not all(storage.exists(name) for _, _, name in planned):
        made = {(v.format, v.width): v.content for v in images.make_variants(cleaned)}
        for variant_fmt, width, name in planned:
            _save_once(storage, name, made[variant_fmt, width])
    variants = [
        {"format": variant_fmt, "width": width, "name": name}
        for variant_fmt, width, name in planned
    ]
    return Stored(kept[fmt], cleaned.width, cleaned.height, variants)


def _kept_format(name):
    return next(fmt for fmt in KEPT_FORMATS if name.endswith(f".{images.EXTENSIONS[fmt]}"))


def store_crops(storage, name, focus):
    """Cut each of CROP_SHAPES around ``focus`` (x, y, fractions) from the stored original
    ``name``, and keep them beside it, in a folder named by the crop box: moving the focal
    point makes new names (no cache keeps an old crop under a new meaning), and a box
    already cut is reused. Returns {"focus", "source", shape: {"width", "height",
    "variants"}}, what Picture.crops keeps."""
    fmt = _kept_format(name)
    with storage.open(name) as stored:
        cleaned = images.Cleaned.read(stored, fmt)
    folder = posixpath.dirname(name)
    crops = {"focus": list(focus), "source": name}
    for shape_name, shape in CROP_SHAPES.items():
        box = focal_crop.crop_box(cleaned.width, cleaned.height, shape.aspect, *focus)
        widths = images.variant_widths(box.width, shape.widths)
        formats = (
            images.variant_formats(fmt) if shape.modern_formats else [images.fallback_format(fmt)]
        )
        crop_folder = f"{folder}/crop-{box.left}-{box.top}-{box.width}x{box.height}"
        planned = [
            (crop_fmt, width, f"{crop_folder}/{width}w.{images.EXTENSIONS[crop_fmt]}")
            for width in widths
            for crop_fmt in formats
        ]
        if not all(storage.exists(crop_name) for _, _, crop_name in planned):
            made = {
                (v.format, v.width): v.content
                for v in images.make_crop(cleaned, box, widths, formats)
            }
            for crop_fmt, width, crop_name in planned:
                _save_once(storage, crop_name, made[crop_fmt, width])
        crops[shape_name] = {
            "width": box.width,
            "height": box.height,
            "variants": [
                {"format": crop_fmt, "width": width, "name": crop_name}
                for crop_fmt, width, crop_name in planned
            ],
        }
    return crops


def srcset(storage, variants, fmt):
    return ", ".join(
        f"{storage.url(v['name'])} {v['width']}w" for v in variants if v["format"] == fmt
    )


def sources(storage, variants):
    """The modern formats, best first, as (MIME type, srcset) for <source> elements."""
    made = {variant["format"] for variant in variants}
    return [
        (images.MIME_TYPES[fmt], srcset(storage, variants, fmt))
        for fmt in images.PREFERRED_FORMATS
        if fmt in made
    ]


def fallback_format(variants):
    return next(v["format"] for v in variants if v["format"] not in images.PREFERRED_FORMATS)


def fallback(storage, variants, width, height):
    """The largest fallback variant: the <img> src, and the link-preview picture."""
    fmt = fallback_format(variants)
    widest = max((v for v in variants if v["format"] == fmt), key=lambda v: v["width"])
    return {
        "url": storage.url(widest["name"]),
        "width": widest["width"],
        "height": round(height * widest["width"] / width),
        "type": images.MIME_TYPES[fmt],
    }
