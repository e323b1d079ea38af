"""A rendered Kazakh page in the 2021 Latin alphabet: text and human-readable attributes change,
markup, URLs, scripts, styles and code do not (issue 13, docs/kazakh-latin.md).

A streaming tokenizer, not a tree: the page is scanned once with regular expressions that
follow HTML's tokenization (comments, raw-text elements, quoted attribute values), and runs of
text and plain tags (`<p>`, `<b class="x">`, `</a>`: ASCII markup, nothing to change) are
transliterated in one piece. Only the tags that matter (links, elements with `lang`,
`translate`, `title`, `alt`..., scripts, code, anything with Cyrillic in it) are looked at one
by one. On a 10,000-word article Python's html.parser only tokenizing takes ~3 ms; this
rewrite ~3.4 ms cold and ~1.1 ms once its memos are warm (docs/kazakh-latin.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from .analysis.transliteration import kazakh_to_latin
from .scripts import LATIN_LANGUAGE_TAG, latin_path

_QUOTED = r"""(?:[^>"']|"[^"]*"|'[^']*')*"""
# Plain markup, transliterated with the text around it since it is ASCII and nothing in it
# changes: every end tag, and start tags (other than raw-text and never-transliterated
# elements) whose only attributes are class/id/hidden/role/data-* without Cyrillic.
_PLAIN_TAG = (
    r"</[a-zA-Z][^>]*>"
    r"|<(?!(?i:script|style|code|kbd|samp|svg|math|textarea)[\s/>])[a-zA-Z][a-zA-Z0-9-]*"
    r"""(?:\s+(?:class|id|hidden|role|data-(?!script)[a-z-]+)(?:="[^"<>\u0400-\u04ff]*")?)*\s*/?>"""
)
# Case-sensitive but for the names above: IGNORECASE made every character a case-folded test
# (a third of the scan); an upper-case attribute just takes the careful path.
_RUN = re.compile(rf"(?:[^<]+|{_PLAIN_TAG})+")
_TOKEN = re.compile(
    rf"<!--.*?(?:-->|\Z)|<![^>]*>|<\?[^>]*>|</[a-zA-Z][^>]*>|<([a-zA-Z][a-zA-Z0-9:-]*){_QUOTED}>",
    re.DOTALL,
)
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
# A start tag with none of these has nothing to change (an external link, a <meta charset>).
_TAG_NEEDS_WORK = re.compile(
    r"[\u0400-\u04ff]|/kk|\s(?:lang|translate|title|alt|aria-label|aria-description|placeholder|label"
    r"|content)\s*=",
    re.IGNORECASE,
)

RAW_TEXT = frozenset({"script", "style"})
# Never transliterated, with everything inside (their links still move to /kk-latn/).
NEVER = frozenset({"code", "kbd", "samp", "svg", "math", "textarea"})
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)
HUMAN_ATTRIBUTES = frozenset({"title", "alt", "aria-label", "aria-description", "placeholder", "label"})
# <meta name|property=... content="...">: the words readers see in search results and shares.
HUMAN_META = frozenset(
    {"description", "og:title", "og:description", "og:site_name", "og:image:alt"}
    | {"twitter:title", "twitter:description", "twitter:image:alt", "application-name"}
    | {"article:section", "article:tag"}
)
URL_ATTRIBUTES = frozenset({"href", "action", "formaction"})
# JSON-LD: values of these keys are words; keys, URLs, dates and types never change.
JSON_LD_HUMAN_KEYS = frozenset(
    {"headline", "alternativeHeadline", "description", "name", "articleSection", "keywords"}
    | {"caption", "text", "articleBody", "alternateName", "creditText", "copyrightNotice"}
)
# Runs at least this long are remembered: an article's body is the same for every reader.
MEMO_MIN_CHARS = 32
MEMO_MAX_CHARS = 8_000_000

_memo: dict[str, str] = {}
_memo_chars = 0
# Start tags repeat from render to render (the same meta, links, marked spans): their Latin
# form (None: kept as written) is remembered, at most TAG_MEMO_ENTRIES per process.
TAG_MEMO_ENTRIES = 20_000
_tags: dict[tuple[str, tuple[str, ...]], str | None] = {}


def _remember(key: str, compute: Callable[[str], str]) -> str:
    """`compute(key)`, kept per process while the memo holds under MEMO_MAX_CHARS (then it
    starts again empty: simple, and bounded whatever the pages)."""
    global _memo_chars
    found = _memo.get(key)
    if found is None:
        found = compute(key)
        if _memo_chars + len(key) > MEMO_MAX_CHARS:
            _memo.clear()
            _memo_chars = 0
        _memo[key] = found
        _memo_chars += len(key)
    return found


def text_to_latin(text: str) -> str:
    """`kazakh_to_latin`, remembered for runs of MEMO_MIN_CHARS and more."""
    if len(text) < MEMO_MIN_CHARS:
        return kazakh_to_latin(text) if _CYRILLIC.search(text) else text
    return _remember(text, kazakh_to_latin)


def is_kazakh_language(value: str) -> bool:
    """A lang value whose text the Latin page transliterates: kk, kk-KZ, kk-Latn; not kk-Cyrl
    (kept in Cyrillic on purpose) nor any other language."""
    parts = value.strip().lower().split("-")
    return parts[0] == "kk" and "cyrl" not in parts[1:]


def html_to_latin(html: str, *, origins: Iterable[str] = ()) -> str:
    """The Latin twin of a rendered Kazakh page (or fragment). `origins`: scheme://host of
    the site, so that absolute links to /kk/ pages move to /kk-latn/ too."""
    rewriter = _Rewriter(html, tuple(origin.rstrip("/") for origin in origins if origin))
    return rewriter.run()


class _Rewriter:
    def __init__(self, html: str, origins: tuple[str, ...]) -> None:
        self.html = html
        self.origins = origins
        self.out: list[str] = []

    def run(self) -> str:
        html, out, pos, end = self.html, self.out, 0, len(self.html)
        while pos < end:
            run = _RUN.match(html, pos)
            if run is not None:
                out.append(text_to_latin(run.group()))
                pos = run.end()
                continue
            token = _TOKEN.match(html, pos)
            if token is None:  # a "<" that starts no tag is text
                out.append("<")
                pos += 1
                continue
            name = token.group(1)
            if name is None:  # comment, doctype, end tag
                out.append(token.group())
                pos = token.end()
                continue
            pos = self._start_tag(token, name.lower())
        return "".join(out)

    def _start_tag(self, token: re.Match[str], name: str) -> int:
        tag = token.group()
        if name not in RAW_TEXT and name not in NEVER and _TAG_NEEDS_WORK.search(tag) is None:
            self.out.append(tag)
            return token.end()
        if name in RAW_TEXT:
            attributes = _attributes(tag, len(name) + 1)
            close = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(self.html, token.end())
            body_end = close.start() if close else len(self.html)
            body = self.html[token.end() : body_end]
            kind = (attributes.get("type") or ("", 0, 0))[0].strip().lower()
            if name == "script" and kind == "application/json":
                body = _remember("json:" + body, lambda key: _json_to_latin(key[5:], linked_data=False))
            elif name == "script" and kind == "application/ld+json":
                body = _remember("ld:" + body, lambda key: _json_to_latin(key[3:], linked_data=True))
            self.out += [tag, body]
            return body_end
        key = (tag, self.origins)
        if key in _tags:
            rewritten = _tags[key]
        else:
            rewritten = self._tag_to_latin(tag, name, _attributes(tag, len(name) + 1))
            if len(_tags) >= TAG_MEMO_ENTRIES:
                _tags.clear()
            _tags[key] = rewritten
        if rewritten is None:  # kept as written, with everything inside
            region_end = (
                token.end() if name in VOID or tag.endswith("/>") else self._element_end(name, token.end())
            )
            self.out.append(self._links_only(self.html[token.start() : region_end]))
            return region_end
        self.out.append(rewritten)
        return token.end()

    def _tag_to_latin(self, tag: str, name: str, attributes: dict[str, tuple[str, int, int]]) -> str | None:
        """The start tag in Latin, or None for an element kept as written."""
        language = attributes.get("lang")
        keep = (
            name in NEVER
            or (attributes.get("translate") or ("", 0, 0))[0].strip().lower() == "no"
            or (language is not None and language[0].strip() != "" and not is_kazakh_language(language[0]))
        )
        return None if keep else self._rewrite(tag, name, attributes)

    def _element_end(self, name: str, start: int) -> int:
        """Where the element opened just before `start` ends (after its end tag)."""
        same = re.compile(rf"<(/?){re.escape(name)}(?=[\s/>]){_QUOTED}>", re.IGNORECASE)
        depth = 1
        for match in same.finditer(self.html, start):
            if match.group(1):
                depth -= 1
                if depth == 0:
                    return match.end()
            elif not match.group().endswith("/>"):
                depth += 1
        return len(self.html)

    def _links_only(self, region: str) -> str:
        if "/kk" not in region:
            return region
        return _TOKEN.sub(
            lambda m: (
                self._rewrite(
                    m.group(),
                    m.group(1).lower(),
                    _attributes(m.group(), len(m.group(1)) + 1),
                    links_only=True,
                )
                if m.group(1)
                else m.group()
            ),
            region,
        )

    def _rewrite(
        self, tag: str, name: str, attributes: dict[str, tuple[str, int, int]], *, links_only: bool = False
    ) -> str:
        rel = (attributes.get("rel") or ("", 0, 0))[0].lower().split()
        # The canonical and hreflang links name each script's page; the script switch too.
        fixed_links = (
            name == "link" and ("canonical" in rel or "alternate" in rel)
        ) or "data-script" in attributes
        meta_human = name == "meta" and any(
            (attributes.get(key) or ("", 0, 0))[0].lower() in HUMAN_META for key in ("name", "property")
        )
        changes: list[tuple[int, int, str]] = []
        for attribute, (value, start, stop) in attributes.items():
            new = value
            if attribute in URL_ATTRIBUTES:
                if not fixed_links:
                    new = self._latin_link(value)
            elif links_only:
                continue
            elif attribute in HUMAN_ATTRIBUTES or (attribute == "content" and meta_human):
                new = text_to_latin(value)
            elif attribute == "lang" and (name == "html" or is_kazakh_language(value)):
                new = LATIN_LANGUAGE_TAG
            if new != value:
                changes.append((start, stop, new))
        if not changes:
            return tag
        pieces, last = [], 0
        for start, stop, new in changes:
            pieces += [tag[last:start], new]
            last = stop
        return "".join([*pieces, tag[last:]])

    def _latin_link(self, value: str) -> str:
        if value.startswith("/"):
            return latin_path(value)
        for origin in self.origins:
            if value.startswith(origin + "/"):
                return origin + latin_path(value[len(origin) :])
        return value


def _attributes(tag: str, start: int) -> dict[str, tuple[str, int, int]]:
    """Attribute name -> (raw value, start, end of the value in `tag`); the first one wins,
    as in HTML. Values stay escaped: transliteration leaves entities (ASCII) alone."""
    found: dict[str, tuple[str, int, int]] = {}
    body_end = len(tag) - 1
    for match in _ATTRIBUTE.finditer(tag, start, body_end):
        name = match.group(1).lower()
        if name in found:
            continue
        for group in (2, 3, 4):
            if match.group(group) is not None:
                found[name] = (match.group(group), match.start(group), match.end(group))
                break
        else:
            found[name] = ("", match.end(), match.end())
    return found


_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _json_to_latin(body: str, *, linked_data: bool) -> str:
    """String values of an inline JSON block (the error dialog's words; JSON-LD's human keys
    only), re-serialised with Django's json_script escaping. Keys never change; a block that
    does not parse is left as it is."""
    try:
        data = json.loads(body)
    except ValueError:
        return body

    def walk(value: Any, key: str | None) -> Any:
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if isinstance(value, str):
            if linked_data and key == "inLanguage" and is_kazakh_language(value):
                return LATIN_LANGUAGE_TAG
            if not linked_data or key in JSON_LD_HUMAN_KEYS:
                return text_to_latin(value)
        return value

    return json.dumps(walk(data, None), ensure_ascii=False).translate(_JSON_ESCAPES)
