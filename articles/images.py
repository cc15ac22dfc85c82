"""Editors' pictures: checked, cleaned and resized with Pillow; no database here.

An upload is refused with a sentence an editor can act on when it is not an image,
not one of the formats below, too large in bytes, or has more pixels than
``MAX_PIXELS`` (a decompression bomb: a small file that decodes to gigabytes). The
size is read from the header before any pixel is decoded.

What is kept is re-encoded from the pixels alone, so EXIF (camera, time, GPS
position) and other metadata never reach storage; the EXIF orientation is applied
first. Readers get resized variants in modern formats (AVIF when this Pillow can
write it, WebP) and a fallback every browser shows (PNG for graphics with flat
colour or transparency, JPEG for photographs).
"""

import hashlib
import io
import warnings
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError, features

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MIN_WIDTH = 320
ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "AVIF": "AVIF"}
# Widths a page may ask for; an image is never enlarged past its own width.
VARIANT_WIDTHS = (480, 800, 1200, 1600)
# Best first; a page offers those an image was made in, this Pillow makes those it can.
PREFERRED_FORMATS = ("AVIF", "WEBP")
MODERN_FORMATS = [fmt for fmt in PREFERRED_FORMATS if features.check(fmt.lower())]
MIME_TYPES = {"AVIF": "image/avif", "WEBP": "image/webp", "PNG": "image/png", "JPEG": "image/jpeg"}
EXTENSIONS = {"AVIF": "avif", "WEBP": "webp", "PNG": "png", "JPEG": "jpg"}
# Encoder settings chosen for the web: quality that hides artefacts at these widths,
# and AVIF's faster speeds, since an upload waits for them.
ENCODER_OPTIONS = {
    "AVIF": {"quality": 60, "speed": 8},
    "WEBP": {"quality": 80, "method": 4},
    "JPEG": {"quality": 82, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
}


@dataclass(frozen=True)
class Cleaned:
    """An upload's pixels, re-encoded without metadata."""

    content: bytes
    format: str
    width: int
    height: int

    @classmethod
    def read(cls, file, fmt):
        """A cleaned image already stored: its bytes and size, from ``file``."""
        content = file.read()
        width, height = Image.open(io.BytesIO(content)).size
        return cls(content, fmt, width, height)


def fingerprint(upload):
    """The upload's SHA-256: the same bytes uploaded twice are cleaned and resized once."""
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: upload.read(1 << 16), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@dataclass(frozen=True)
class Variant:
    format: str
    width: int
    height: int
    content: bytes


def _fail(message):
    raise ValidationError(message, code="invalid_image")


def check(upload):
    """Refuse what is not a safe, usable image (ValidationError); return the open image."""
    if upload.size > MAX_UPLOAD_BYTES:
        _fail(
            f"This file is {upload.size / 1024 / 1024:.1f} MB; the largest image accepted is "
            f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB. Export it smaller and upload it again."
        )
    upload.seek(0)
    # Pillow warns past about 89 megapixels and refuses past twice that: both are bombs here.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(upload)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            _too_many_pixels()
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            _fail(
                "This file is not an image that can be read. Upload a JPEG, PNG, WebP or "
                "AVIF picture."
            )
    if image.format not in ACCEPTED_FORMATS:
        _fail(f"This is a {image.format} image; upload a JPEG, PNG, WebP or AVIF picture instead.")
    width, height = image.size
    if width * height > MAX_PIXELS:
        _too_many_pixels(width, height)
    if width < MIN_WIDTH:
        _fail(f"This image is {width} pixels wide; a story needs at least {MIN_WIDTH}.")
    try:
        image.load()
    except (OSError, ValueError, SyntaxError):
        _fail("This image is damaged or cut short: its pixels cannot be read.")
    return image


def _too_many_pixels(width=None, height=None):
    size = f"{width} × {height} pixels" if width else "larger than any photograph"
    _fail(
        f"This image is {size}; the most accepted is {MAX_PIXELS // 1_000_000} megapixels "
        "(8000 × 5000, say). Resize it and upload it again."
    )


def _is_graphic(image):
    """Charts and diagrams (PNG, or anything transparent) stay lossless in the fallback."""
    return image.format == "PNG" or image.mode in {"RGBA", "LA", "P", "PA"}


def clean(upload):
    """The checked upload, upright, re-encoded from its pixels alone (no EXIF)."""
    image = check(upload)
    graphic = _is_graphic(image)
    upright = ImageOps.exif_transpose(image)
    fmt = "PNG" if graphic else "JPEG"
    pixels = upright.convert("RGBA" if graphic and _has_alpha(upright) else "RGB")
    buffer = io.BytesIO()
    pixels.save(buffer, fmt, **({"optimize": True} if graphic else {"quality": 92}))
    return Cleaned(buffer.getvalue(), fmt, *pixels.size)


def _has_alpha(image):
    return image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info


def variant_widths(width, steps=VARIANT_WIDTHS):
    """The widths to make for an image ``width`` pixels wide: the steps below it, and it
    (or the largest step, if it is wider)."""
    return sorted({*(step for step in steps if step < width), min(width, steps[-1])})


def fallback_format(cleaned_format):
    return "PNG" if cleaned_format == "PNG" else "JPEG"


def variant_formats(cleaned_format):
    return [*MODERN_FORMATS, fallback_format(cleaned_format)]


def _encode(source, widths, formats):
    """``source`` at each of ``widths`` (never wider than it) in each of ``formats``."""
    made = []
    for width in widths:
        height = max(1, round(source.height * width / source.width))
        resized = source if width == source.width else source.resize((width, height), Image.LANCZOS)
        for fmt in formats:
            pixels = resized if fmt != "JPEG" else resized.convert("RGB")
            buffer = io.BytesIO()
            pixels.save(buffer, fmt, **ENCODER_OPTIONS[fmt])
            made.append(Variant(fmt, width, height, buffer.getvalue()))
    return made


def make_variants(cleaned):
    """Every (format, width) a page offers, resized with a high-quality filter."""
    source = Image.open(io.BytesIO(cleaned.content))
    return _encode(source, variant_widths(cleaned.width), variant_formats(cleaned.format))


def make_crop(cleaned, box, widths, formats):
    """The ``box`` (articles/focal_crop.py) of the cleaned image, at each of ``widths`` in
    each of ``formats``."""
    source = Image.open(io.BytesIO(cleaned.content)).crop(box.pillow)
    return _encode(source, widths, formats)


class ImageUploadField(forms.ImageField):
    """Django's image field, with this module's checks first, so a bomb or a wrong format
    gets its own sentence rather than "not an image or a corrupted image"."""

    def to_python(self, data):
        if data not in self.empty_values:
            check(data)
            data.seek(0)
        return super().to_python(data)
