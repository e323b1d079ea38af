"""The Kazakh Latin page against its Cyrillic twin on a 10,000-word article (issue 13).

    .venv/bin/python benchmarks/bench_latin.py [--words 10000] [--repeat 30]

Makes a throw-away SQLite database in a temporary folder, publishes one Kazakh article of
--words words (paragraphs with links, bold, a marked name and a Russian quote, as editors
write them), then renders it through Django (every middleware, the view, the fragments;
the page cache in front is not involved: it would serve both from memory) alternately as
/kk/... and /kk-latn/..., and prints the median render time of each and the difference.
Both are measured warm (fragments built, as every render after the first); the Latin
rewrite alone is also timed cold (its memo emptied before each run) and Python's
html.parser, fed the same page, for comparison.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TEXT = (
    "Қазақстан Республикасы Президенті Тоқаев бүгін Астанада үкімет отырысын өткізді елдің экономикасы "
    "халықаралық ынтымақтастық жаңа заң жобасы мемлекеттік бағдарлама өңірлердегі жағдай ауыл шаруашылығы "
    "білім беру денсаулық сақтау жүйесі инвестиция құрылыс жол көлік энергетика цифрландыру жастар "
    "мәдениет спорт туризм экология су ресурстары қауіпсіздік сыртқы саясат кездесу барысында тараптар "
    "мәселелерін талқылады министрлік мәлімдеді жыл сайын өсім байқалады Чехия ЮНЕСКО ЕАЭО ШЫҰ"
)
WORDS = TEXT.split(" ")


def paragraphs(words: int) -> list[str]:
    rng = random.Random(13)
    out: list[str] = []
    left = words
    n = 0
    while left > 0:
        size = min(left, 50)
        text = " ".join(rng.choice(WORDS) for _ in range(size))
        if n % 10 == 0:
            text += ' <a href="https://www.inform.kz/">Kazinform</a> хабарлады.'
        if n % 7 == 0:
            text = f"<b>{text[:40]}</b>{text[40:]}"
        if n % 13 == 0:
            text += ' <span translate="no">Нұр Отан</span> <span lang="ru">«Всё будет хорошо»</span>.'
        out.append(text + ".")
        left -= size
        n += 1
    return out


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="latn-bench-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="newsdesk.settings.test", DATABASE_URL=f"sqlite:///{folder}/bench.sqlite3"
    )
    os.environ.pop("REDIS_URL", None)
    try:
        run(args.words, args.repeat)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(words: int, repeat: int) -> None:
    import django

    django.setup()
    from html.parser import HTMLParser

    from django.core.management import call_command
    from django.test import Client

    from newsdesk.articles.models import SectionPage
    from newsdesk.articles.tests.factories import article_publish
    from newsdesk.editions import latin_html
    from newsdesk.editions.scripts import latin_path
    from newsdesk.home.services import edition_tree_ensure

    call_command("migrate", verbosity=0)
    homes = edition_tree_ensure()
    section = SectionPage.objects.child_of(homes["kk"]).first()
    assert section is not None
    article = article_publish(
        section=section, title="Үкімет отырысы", slug="ukimet", paragraphs=paragraphs(words)
    )
    cyrillic_url, latin_url = article.url, latin_path(article.url)
    client = Client()
    cyrillic_html = client.get(cyrillic_url).content.decode()
    client.get(latin_url)  # both warm
    cyrillic: list[float] = []
    latin: list[float] = []
    for _ in range(repeat):
        for url, samples in ((cyrillic_url, cyrillic), (latin_url, latin)):
            started = time.perf_counter()
            response = client.get(url)
            samples.append(time.perf_counter() - started)
            assert response.status_code == 200
    cold: list[float] = []
    for _ in range(max(5, repeat // 3)):
        latin_html._memo.clear()
        latin_html._memo_chars = 0
        latin_html._tags.clear()
        started = time.perf_counter()
        latin_html.html_to_latin(cyrillic_html)
        cold.append(time.perf_counter() - started)
    parse: list[float] = []
    for _ in range(5):
        started = time.perf_counter()
        HTMLParser().feed(cyrillic_html)
        parse.append(time.perf_counter() - started)
    body_words = len(" ".join(paragraphs(words)).split())
    print(
        f"article: {body_words} words, page {len(cyrillic_html.encode()) / 1024:.0f} KB; {repeat} renders each"
    )
    c, lt = median_ms(cyrillic), median_ms(latin)
    print(f"Cyrillic render ms: {c:.2f}")
    print(f"Latin render ms:    {lt:.2f}")
    print(f"difference ms:      {lt - c:+.2f}  (target: at most +2 ms)")
    print(f"Latin rewrite alone, memo empty (first render after a change) ms: {median_ms(cold):.2f}")
    print(f"Python html.parser only tokenizing the same page ms: {median_ms(parse):.2f}")


if __name__ == "__main__":
    main()
