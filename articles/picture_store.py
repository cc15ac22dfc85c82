"""Where a picture's files live: the cleaned upload and its resized variants, stored
through the default storage (STORAGES) under names made from the upload's bytes, and the
srcsets a page draws from them. The checks and the image arithmetic are articles/images.py;
the model is articles.models.ArticleImage.
"""

from dataclasses import dataclass

from django.core.files.base import ContentFile

from articles import images

# The original is kept in the format it was cleaned to.
KEPT_FORMATS = ("PNG", "JPEG")


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
