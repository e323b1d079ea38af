"""Whether a request is a reader's view at all: crawlers, headless browsers, prefetches.

Who the reader is (the daily-salted anonymous hash) lives in newsdesk/core/readers.py, shared
with the error reports.
"""

from __future__ import annotations

import hashlib
import re
import re._constants as sre_constants
import re._parser as sre_parse
from functools import lru_cache

import crawleruseragents
from django.http import HttpRequest

from newsdesk.core.readers import MAX_USER_AGENT

# Not in the crawler list, but never a person reading: scripted browsers and empty agents.
HEADLESS_AGENT = re.compile(
    r"HeadlessChrome|Headless|PhantomJS|SlimerJS|Electron/.*HappyDOM|jsdom|Puppeteer|Playwright|"
    r"Selenium|WebDriver|Lighthouse|Chrome-Lighthouse|Google Page Speed|PTST/",
    re.IGNORECASE,
)


# --- Bots ------------------------------------------------------------------------------


def _required_literal(pattern: str) -> str:
    """The longest run of plain characters (lower-cased) that every match of `pattern` contains."""
    best: list[str] = []
    run: list[str] = []
    for op, av in sre_parse.parse(pattern):
        char = None
        if op is sre_constants.LITERAL:
            char = chr(av).lower()
        elif op is sre_constants.IN and all(o is sre_constants.LITERAL for o, _ in av):
            variants = {chr(v).lower() for _, v in av}
            if len(variants) == 1:
                char = variants.pop()  # [wW]get
        if char is None:
            best, run = max(best, run, key=len), []
        else:
            run.append(char)
    longest: list[str] = max(best, run, key=len)
    return "".join(longest)


class CrawlerMatcher:
    """`crawleruseragents.is_crawler`, about 15 times faster.

    The package tries its 1,500 patterns one after another (~400 µs per user agent on this
    machine, more than the rest of a beacon). Almost every pattern contains a literal; we
    index those by their first three letters, find which ones occur in the agent, and run
    only the patterns behind them (plus the few without a literal). The answer is the
    package's own, checked on every example the package ships (tests/test_readers.py).
    """

    def __init__(self, patterns: list[str]) -> None:
        self._compiled = [re.compile(p) for p in patterns]
        self._index: dict[str, list[tuple[str, int]]] = {}
        unindexed = []
        for number, pattern in enumerate(patterns):
            literal = _required_literal(pattern)
            if len(literal) >= 3:
                self._index.setdefault(literal[:3], []).append((literal, number))
            else:
                unindexed.append(pattern)
        self._unindexed = re.compile("|".join(unindexed)) if unindexed else None

    def matches(self, user_agent: str) -> bool:
        lowered = user_agent.lower()
        index = self._index
        for start in range(len(lowered) - 2):
            for literal, number in index.get(lowered[start : start + 3], ()):
                if lowered.startswith(literal, start) and self._compiled[number].search(user_agent):
                    return True
        return bool(self._unindexed and self._unindexed.search(user_agent))


@lru_cache(maxsize=1)
def _crawler_matcher() -> CrawlerMatcher:
    return CrawlerMatcher([item["pattern"] for item in crawleruseragents.CRAWLER_USER_AGENTS_DATA])


def readers_warm_up() -> None:
    """Build the crawler matcher now (web processes call it at start, see newsdesk/wsgi.py)."""
    _crawler_matcher()


# Answers already worked out, keyed by a 16-byte digest of the agent's first MAX_USER_AGENT
# characters, so that memory is bounded whatever readers send: keyed by whole agents, 20,000
# 8 KB headers held 160 MB per process (shared/PITFALLS.md, item 16). Cleared when full, like
# services._live_articles: a flood of invented agents costs a re-check of the real ones.
BOT_ANSWERS_MAX = 20_000
_bot_answers: dict[bytes, bool] = {}


def _agent_is_bot(user_agent: str) -> bool:
    if not user_agent.strip():
        return True
    return bool(HEADLESS_AGENT.search(user_agent)) or _crawler_matcher().matches(user_agent)


def user_agent_is_bot(user_agent: str) -> bool:
    """Known crawlers, headless and scripted browsers, and requests with no user agent.

    Only the first MAX_USER_AGENT characters are looked at, as for the reader's hash: every
    example agent the crawler list ships is shorter than 300, and checking a whole 8 KB
    header costs 6 ms of CPU (60 ms for some repeated tokens) where 512 characters cost
    well under one.
    """
    agent = user_agent[:MAX_USER_AGENT]
    key = hashlib.blake2b(agent.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    answer = _bot_answers.get(key)
    if answer is None:
        answer = _agent_is_bot(agent)
        if len(_bot_answers) >= BOT_ANSWERS_MAX:
            _bot_answers.clear()
        _bot_answers[key] = answer
    return answer


def user_agent_answers_forget() -> None:
    _bot_answers.clear()


# --- Requests that are not a reader's view ---------------------------------------------


def request_is_prefetch(request: HttpRequest) -> bool:
    """Speculative loads: link prefetch, prerender, Firefox's and Safari's old headers."""
    meta = request.META
    purpose = (
        meta.get("HTTP_SEC_PURPOSE", "")
        + ","
        + meta.get("HTTP_PURPOSE", "")
        + ","
        + meta.get("HTTP_X_PURPOSE", "")
        + ","
        + meta.get("HTTP_X_MOZ", "")
    ).lower()
    return any(word in purpose for word in ("prefetch", "prerender", "preview"))
