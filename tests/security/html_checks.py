"""Does this HTML carry anything a browser would run? Checked on the parsed tree.

The markup is parsed the way a browser parses it (html5lib implements the WHATWG
parsing algorithm), then elements, attributes and URL schemes are inspected:
never substrings, so an entity-encoded ``&#106;avascript:`` or a ``<ScRiPt>``
is seen as what the browser would see.

Two strictnesses:
- a *fragment* (the output of the Markdown pipeline, a definition, a feed item)
  may hold no script, no SVG or MathML, no forms or form controls, no style, no
  event handler and only http, https, mailto or relative URLs;
- a *page* may hold the templates' own pieces (scripts from our static files,
  JSON-LD data blocks with valid JSON, our SVG charts, our forms), and inside
  the containers that hold editors' rendered HTML (``.prose``, ``.definition``,
  the glossary's ``dd``) the fragment rules apply.
"""

import json
import re

import html5lib

XHTML = "http://www.w3.org/1999/xhtml"
SVG = "http://www.w3.org/2000/svg"
MATHML = "http://www.w3.org/1998/Math/MathML"

STATIC_PREFIX = "/static/"
# Elements that run code, load other documents, restyle the page or re-point its URLs.
FORBIDDEN_EVERYWHERE = {
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "style",
    "base",
    "portal",
    "plaintext",
    "xmp",
    "listing",
    "noembed",
    "noframes",
    "isindex",
    "bgsound",
    "marquee",
}
# Not from editors' content either: controls, documents' head parts, templates.
FORBIDDEN_IN_FRAGMENT = FORBIDDEN_EVERYWHERE | {
    "script",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "option",
    "meta",
    "link",
    "title",
    "template",
    "noscript",
    "audio",
    "video",
    "source",
    "track",
    "picture",
    "canvas",
    "dialog",
    "details",
    "html",
    "head",
    "body",
}
# Attributes whose value is a URL that a browser may load or navigate to.
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "cite",
    "longdesc",
    "lowsrc",
    "dynsrc",
    "codebase",
    "classid",
    "profile",
    "manifest",
    "icon",
    "ping",
    "usemap",
    "archive",
    "xlink:href",
}
SAFE_SCHEMES = {"http", "https", "mailto"}
# Our templates draw these charts, and Django's admin these icons; an SVG is only ever
# shapes, text and references to the page's own symbols.
TEMPLATE_SVG_CLASSES = {"gauge", "bar__graphic", "chart__svg"}
TEMPLATE_SVG_CLASSES |= {"base-svgs", "theme-icon-when-auto", "theme-icon-when-dark"}
TEMPLATE_SVG_CLASSES |= {"theme-icon-when-light", "chart__canvas", "chart__ticks", "wanted__bar"}
SVG_SHAPES = {"svg", "g", "path", "rect", "line", "polyline", "polygon", "circle", "text"}
SVG_SHAPES |= {"tspan", "title", "desc", "defs", "symbol", "use"}
# Containers that hold editors' rendered HTML on a page.
CONTENT_CLASSES = {"prose", "definition", "markdown-preview__body"}
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}
SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
# What the URL parser ignores: leading/trailing C0 controls and spaces, and every tab or newline.
_C0_OR_SPACE = "".join(chr(code) for code in range(0x21))


def parse_page(markup):
    return html5lib.parse(markup, treebuilder="etree", namespaceHTMLElements=True)


def parse_fragment(markup):
    return html5lib.parseFragment(markup, treebuilder="etree", namespaceHTMLElements=True)


def split_name(tag):
    """('http://www.w3.org/1999/xhtml', 'p') for '{http://www.w3.org/1999/xhtml}p'."""
    if isinstance(tag, str) and tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return None, tag


def attribute_name(name):
    """'xlink:href' for html5lib's '{http://www.w3.org/1999/xlink}href'; names lowercased."""
    namespace, local = split_name(name)
    if namespace == "http://www.w3.org/1999/xlink":
        return f"xlink:{local.lower()}"
    return local.lower()


def url_scheme(value):
    """The scheme a browser would read from an attribute value (entities already decoded)."""
    cleaned = value.strip(_C0_OR_SPACE)
    cleaned = re.sub(r"[\t\n\r]", "", cleaned)
    match = SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def _srcset_urls(value):
    return [candidate.strip().split(" ")[0] for candidate in value.split(",") if candidate.strip()]


def _classes(element):
    return set(element.get("class", "").split())


def _check_url(element_name, name, value, problems):
    urls = _srcset_urls(value) if name == "srcset" else [value]
    for url in urls:
        scheme = url_scheme(url)
        if scheme is not None and scheme not in SAFE_SCHEMES:
            problems.append(f"<{element_name} {name}={value!r}>: the {scheme}: scheme")


def _check_attributes(element, local, problems, *, fragment):
    for raw_name, value in element.attrib.items():
        name = attribute_name(raw_name)
        if name.startswith("on"):
            problems.append(f"<{local} {name}=…>: an event handler attribute")
        elif name == "style":
            problems.append(f"<{local} style={value!r}>: an inline style")
        elif name == "srcdoc":
            problems.append(f"<{local} srcdoc=…>: an embedded document")
        elif name in URL_ATTRIBUTES or name == "srcset":
            _check_url(local, name, value, problems)
            if fragment and name in {"action", "formaction", "data", "xlink:href"}:
                problems.append(f"<{local} {name}=…>: not allowed in content")
        elif name == "http-equiv":
            problems.append(f"<{local} http-equiv={value!r}>: a header in the markup")


def _check_script(element, problems):
    kind = element.get("type", "").strip().lower()
    source = element.get("src")
    text = element.text or ""
    if kind in DATA_SCRIPT_TYPES and source is None:
        if "<" in text:
            problems.append(f"<script type={kind!r}> data block contains '<'")
        try:
            json.loads(text)
        except ValueError:
            problems.append(f"<script type={kind!r}> data block is not valid JSON: {text[:80]!r}")
        return
    if kind in {"", "text/javascript", "module"} and source and not text.strip():
        # Our static files, or a script the site itself serves (the admin's /admin/jsi18n/).
        if source.startswith("/") and not source.startswith("//") and url_scheme(source) is None:
            return
    problems.append(f"<script type={kind!r} src={source!r}>: not one of our own scripts")


def _check_svg_root(element, problems):
    if not _classes(element) & TEMPLATE_SVG_CLASSES:
        problems.append(f"<svg class={element.get('class')!r}>: not one of our charts")
    for descendant in element.iter():
        _, local = split_name(descendant.tag)
        if local not in SVG_SHAPES:
            problems.append(f"<svg> holds <{local}>: not a shape")
        for name, value in descendant.attrib.items():
            if attribute_name(name) in {"href", "xlink:href"} and not value.startswith("#"):
                problems.append(f"<svg> <{local} href={value!r}>: not one of the page's symbols")


def _walk(element, problems, *, fragment, in_svg=False, zones=frozenset(), site=frozenset()):
    namespace, local = split_name(element.tag)
    if not isinstance(local, str):  # comments
        return
    local = local.lower()
    if namespace == MATHML:
        problems.append(f"<{local}>: MathML")
    elif namespace == SVG:
        if fragment:
            problems.append(f"<{local}>: SVG in content")
        elif not in_svg:
            _check_svg_root(element, problems)
    elif namespace == XHTML:
        forbidden = FORBIDDEN_IN_FRAGMENT if fragment else FORBIDDEN_EVERYWHERE
        if local in forbidden and id(element) not in site:
            problems.append(f"<{local}>: not allowed {'in content' if fragment else 'on a page'}")
        elif local == "script":
            _check_script(element, problems)
        elif local == "form":
            action = element.get("action", "")
            if action and not (action.startswith("/") and not action.startswith("//")):
                problems.append(f"<form action={action!r}>: not one of our own addresses")
        elif local == "link":
            rel = set(element.get("rel", "").lower().split())
            href = element.get("href", "")
            if "stylesheet" in rel and not href.startswith(STATIC_PREFIX):
                problems.append(f"<link rel=stylesheet href={href!r}>: not our stylesheet")
            if rel & {"import", "preload", "modulepreload", "prefetch", "prerender"}:
                problems.append(f"<link rel={element.get('rel')!r}>: loads a resource")
    _check_attributes(element, local, problems, fragment=fragment)
    content_zone = not fragment and (_classes(element) & CONTENT_CLASSES or id(element) in zones)
    for child in element:
        if content_zone or fragment:
            _walk(child, problems, fragment=True, site=site)
        else:
            svg = in_svg or namespace == SVG
            _walk(child, problems, fragment=fragment, in_svg=svg, zones=zones, site=site)


def _glossary_definitions(root):
    """The ``dd`` elements of glossary lists: each holds an editor's rendered definition."""
    zones = set()
    for element in root.iter(f"{{{XHTML}}}dl"):
        if "glossary" in _classes(element):
            zones.update(id(child) for child in element.iter(f"{{{XHTML}}}dd"))
    return frozenset(zones)


def _site_markup(root):
    """Elements the site itself places among editors' HTML on a page, exactly as it makes
    them: a marked term's button (core.markup.terms_in_place) and a figure's picture with
    its sources (templates/articles/components/figure.html). Anything else of those
    kinds inside content is still a problem."""
    allowed = set()
    for button in root.iter(f"{{{XHTML}}}button"):
        names = {attribute_name(name) for name in button.attrib}
        if (
            names == {"type", "class", "popovertarget"}
            and button.get("type") == "button"
            and button.get("class") == "term"
            and button.get("popovertarget", "").startswith("define-")
        ):
            allowed.add(id(button))
    for figure in root.iter(f"{{{XHTML}}}figure"):
        if _classes(figure) == {"figure"}:
            for picture in figure.iter(f"{{{XHTML}}}picture"):
                if _classes(picture) == {"picture"}:
                    allowed.add(id(picture))
                    allowed.update(id(source) for source in picture.iter(f"{{{XHTML}}}source"))
    return frozenset(allowed)


def problems_in(markup, *, fragment=False):
    """Every way ``markup`` could run code or escape its place; empty when there is none."""
    problems = []
    if fragment:
        for child in parse_fragment(markup):
            _walk(child, problems, fragment=True)
    else:
        root = parse_page(markup)
        _walk(
            root,
            problems,
            fragment=False,
            zones=_glossary_definitions(root),
            site=_site_markup(root),
        )
    return problems


def assert_no_executable_markup(markup, *, fragment=False, where=""):
    if isinstance(markup, bytes):
        markup = markup.decode()
    problems = problems_in(markup, fragment=fragment)
    assert not problems, f"{where}: " + "; ".join(problems[:10])


def json_ld_blocks(markup):
    """The parsed JSON of every JSON-LD block on a page."""
    root = parse_page(markup)
    blocks = []
    for element in root.iter(f"{{{XHTML}}}script"):
        if element.get("type") == "application/ld+json":
            blocks.append(json.loads(element.text or ""))
    return blocks


def text_of(markup, tag):
    """The text content of the first ``tag`` element on a page (as a browser shows it)."""
    root = parse_page(markup)
    element = next(root.iter(f"{{{XHTML}}}{tag}"))
    return "".join(element.itertext())
