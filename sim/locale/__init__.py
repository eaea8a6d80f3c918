"""Translations of every word the documents show: gettext catalogues a translator edits with any PO editor.

English is the source language and lives in the code (the tables of sim/report/i18n.py, the KPI catalogue,
the compare section's and the replay's words); each message is looked up by its key as gettext context
(``msgctxt "report.title"``) and its English as message id, so a translator sees the English sentence and
where it is used, and two uses of the same English may translate differently. The Chinese is in
``sim/locale/zh_CN/LC_MESSAGES/drill.po``, read at run time with Babel (loaded only when a document in
another language than English is made). `drill translations --update` rewrites ``drill.pot`` from the code
and merges it into each ``.po`` (new messages untranslated, changed ones fuzzy; sim/translations.py);
`drill translations` lists what a translator still has to do. This package only looks messages up, so every
layer may use it.
"""

from __future__ import annotations

import gettext
import string
from functools import cache
from pathlib import Path

DOMAIN = "drill"
HERE = Path(__file__).parent
LOCALES = {"zh": "zh_CN"}  # the documents' language codes (--lang) → the catalogue's folder
LANGS = ("en", *LOCALES)


def po_path(lang: str) -> Path:
    return HERE / LOCALES[lang] / "LC_MESSAGES" / f"{DOMAIN}.po"


def placeholders(text: str) -> set[str] | None:
    """The ``{name}`` fields of a message (what str.format fills in); None if it is no valid format string."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return None


class PoTranslations(gettext.NullTranslations):
    """A gettext translations object read from a .po file: fuzzy and empty entries, and those whose
    placeholders differ from the English (they would fail to fill in), are left out: the English is shown."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        from babel.messages.pofile import read_po

        with path.open("rb") as handle:
            catalog = read_po(handle, ignore_obsolete=True)
        self.messages: dict[tuple[str | None, str], str] = {}
        for message in catalog:
            if not message.id or message.fuzzy or not isinstance(message.id, str):
                continue
            text = message.string if isinstance(message.string, str) else ""
            if text and placeholders(text) is not None and placeholders(text) == placeholders(message.id):
                self.messages[(message.context, message.id)] = text

    def gettext(self, message: str) -> str:
        return self.messages.get((None, message), message)

    def pgettext(self, context: str, message: str) -> str:
        return self.messages.get((context, message), message)


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The translations into `lang` (English: none, the messages are English)."""
    if lang == "en":
        return gettext.NullTranslations()
    if lang not in LOCALES:
        raise ValueError(f"no translations for language {lang!r}; known: {', '.join(LANGS)}")
    return PoTranslations(po_path(lang))


def pgettext(context: str, message: str, lang: str) -> str:
    """`message` (English) in `lang`, looked up under `context`."""
    return message if lang == "en" else translations(lang).pgettext(context, message)
