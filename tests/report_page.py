"""Reading a built report's HTML in tests: its tags, URLs, text and KPI table cells."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

URL_ATTRIBUTES = ("src", "href", "srcset", "poster", "data", "action", "xlink:href")


class Page(HTMLParser):
    """Tags, URL-bearing attributes, text and the KPI table cells (data-kpi rows, data-field spans)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.text: list[str] = []
        self.cells: dict[tuple[str, str], str] = {}
        self._kpi: str | None = None
        self._field: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        self.urls += [a[n] or "" for n in URL_ATTRIBUTES if a.get(n) is not None]
        if tag == "tr":
            self._kpi = a.get("data-kpi")
        if tag == "span" and self._kpi and a.get("data-field"):
            self._field = a["data-field"]
            self.cells[(self._kpi, self._field)] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "span":
            self._field = None
        if tag == "tr":
            self._kpi = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._kpi and self._field:
            self.cells[(self._kpi, self._field)] += data


def parse_page(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page
