"""What a stored body may hold, checked by parsing it (PITFALLS 6: a regex is fooled by comments)."""

from __future__ import annotations

from html.parser import HTMLParser

# The article body's rich text (articles/blocks.py: bold, italic, link, ol, ul, h2, h3) and p/br.
ALLOWED_TAGS = frozenset({"p", "br", "b", "i", "a", "ul", "ol", "li", "h2", "h3"})
ALLOWED_SCHEMES = ("http://", "https://", "mailto:")


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if tag == "a" and name == "href":
                cleaned = "".join(char for char in (value or "") if char > " ").lower()
                if not cleaned.startswith(ALLOWED_SCHEMES):
                    self.problems.append(f"href {value!r}")
            else:
                self.problems.append(f"attribute {name}={value!r} on <{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data: str) -> None:
        self.problems.append("comment")

    def handle_decl(self, decl: str) -> None:
        self.problems.append(f"declaration {decl[:20]!r}")

    def unknown_decl(self, data: str) -> None:
        self.problems.append(f"declaration {data[:20]!r}")

    def handle_pi(self, data: str) -> None:
        self.problems.append("processing instruction")


def forbidden_constructs(html: str) -> list[str]:
    """Every tag, attribute, URL or markup our body does not allow (no script, style, iframe,
    object, form, event attribute, CSS, javascript:/data:/vbscript: URL can pass)."""
    checker = _Checker()
    checker.feed(html)
    checker.close()
    return checker.problems
