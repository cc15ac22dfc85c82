"""JSON-LD blocks for structured data, safe to print inside a page."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

# As Django's json_script: no "<", ">" or "&" survives, so "</script>" cannot close the block.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def jsonld_script(data):
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


def image_object(*, url, width, height, caption="", credit=""):
    """schema.org ImageObject for a picture at an absolute ``url``."""
    data = {"@type": "ImageObject", "url": url, "contentUrl": url, "width": width}
    data["height"] = height
    if caption:
        data["caption"] = caption
    if credit:
        data["creditText"] = credit
    return data
