"""Every message the documents can show, gathered from the code's English tables; drill.pot and the .po files.

`messages()` is the one list (context, English, the file that holds it). `write_template` writes it as the
gettext template ``drill.pot``; `update` merges the template into a language's ``.po`` as ``pybabel update``
or ``msgmerge`` would (new messages untranslated, changed English marked fuzzy with the old translation
kept, removed ones obsolete); `problems` lists what a translator still has to do. `drill translations`
runs them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from .locale import DOMAIN, HERE, LOCALES, placeholders, po_path

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

TEMPLATE = HERE / f"{DOMAIN}.pot"


@dataclass(frozen=True)
class Message:
    """One message: looked up by `context` (unique), shown as `text` in English, kept in `source`."""

    context: str
    text: str
    source: str


def _table(prefix: str, table: dict[str, str], source: str) -> list[Message]:
    return [Message(f"{prefix}{key}", text, source) for key, text in table.items() if text]


def messages() -> list[Message]:
    """Every message, in the order of the tables that hold them (the report's, the KPI catalogue's, the compare
    section's, the replay's)."""
    from .measure.catalogue import CATALOGUE
    from .replay import i18n as replay
    from .report import compare as compare_report
    from .report import compare_words
    from .report import i18n as report

    i18n = "sim/report/i18n.py"
    out = _table("report.", report.TEXT, i18n)
    for role, (plural, title) in report.ROLES.items():
        out += [Message(f"role.{role}", plural, i18n), Message(f"role.{role}.title", title, i18n)]
    out += _table("dist.", report.DISTS, i18n) + _table("param.", report.PARAMS, i18n)
    out += _table("change.", report.CHANGES, i18n)
    out += [Message(f"kpi.{spec.name}", spec.label, "sim/measure/catalogue.py") for spec in CATALOGUE]
    out += _table("compare.", compare_report.TEXT, "sim/report/compare.py")
    out += _table("compare.kpi.", compare_report.LABELS, "sim/report/compare.py")
    out += _table("compare.finding.", compare_words.WORDS, "sim/report/compare_words.py")
    out += _table("replay.", replay.TEXT, "sim/replay/i18n.py")
    out += _table("replay.group.", replay.GROUPS, "sim/replay/i18n.py")
    return out


def _catalog(locale: str | None = None) -> Catalog:
    from babel.messages.catalog import Catalog

    return Catalog(locale=locale, domain=DOMAIN, project="drill-sim", version="0.1.0",
                   copyright_holder="drill-sim", msgid_bugs_address="", charset="utf-8",
                   creation_date=datetime.now(timezone.utc))  # fmt: skip


def template() -> Catalog:
    """drill.pot as a Babel catalogue: every message, no translation."""
    catalog = _catalog()
    for m in messages():
        catalog.add(m.text, context=m.context, locations=[(m.source, 0)], flags=_flags(m.text))
    if TEMPLATE.is_file():  # unchanged messages keep their date: an update without news changes no file
        committed = _read(TEMPLATE)
        if _keys(committed) == _keys(catalog):
            catalog.creation_date = committed.creation_date
    return catalog


def _flags(text: str) -> tuple[str, ...]:
    """'python-brace-format' where the English has placeholders: PO editors and `msgfmt -c` then check that
    a translation keeps them."""
    return ("python-brace-format",) if placeholders(text) else ()


def _read(path: Path) -> Catalog:
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return read_po(handle)


def _write(catalog: Catalog, path: Path) -> None:
    from babel.messages.pofile import write_po

    from .results.files import atomic_open

    for message in catalog:  # Babel takes '95% interval' for a %-format; every message here is str.format's
        message.flags.discard("python-format")
    with atomic_open(path, "wb") as handle:
        write_po(handle, catalog, width=100, include_previous=True)


def _keys(catalog: Catalog) -> list[tuple[str | None, str, tuple[str, ...]]]:
    """Each message's context, English and the files that hold it."""
    return [
        (m.context, m.id, tuple(place for place, _ in m.locations)) for m in catalog if isinstance(m.id, str) and m.id
    ]


def template_is_current() -> bool:
    """drill.pot holds exactly the messages of the code, in order, each where the code has it."""
    return TEMPLATE.is_file() and _keys(_read(TEMPLATE)) == [(m.context, m.text, (m.source,)) for m in messages()]


def write_template() -> Path:
    """Rewrite drill.pot from the code (left as it is when its messages are the code's)."""
    if not template_is_current():
        _write(template(), TEMPLATE)
    return TEMPLATE


def update(lang: str) -> Path:
    """Merge the code's messages into `lang`'s .po (like `pybabel update`); a new language starts empty."""
    path = po_path(lang)
    if path.is_file():
        catalog = _read(path)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = _catalog(LOCALES[lang])
    catalog.update(template(), update_header_comment=False)
    _write(catalog, path)
    return path


def problems(lang: str) -> list[str]:
    """What is left to translate in `lang`: messages missing, untranslated or fuzzy, translations whose
    placeholders differ from the English ('{n}' must stay '{n}'), and entries no message uses."""
    catalog = _read(po_path(lang))
    out = []
    wanted = messages()
    for m in wanted:
        entry = catalog.get(m.text, context=m.context)
        where = f"{m.context}: {m.text!r}"
        if entry is None:
            out.append(f"missing: {where}")
        elif not entry.string:
            out.append(f"untranslated: {where}")
        elif entry.fuzzy:
            out.append(f"fuzzy (check the translation, then remove the fuzzy flag): {where}")
        elif placeholders(str(entry.string)) != placeholders(m.text):
            out.append(f"placeholders differ from the English: {where} → {entry.string!r}")
    used = {(m.context, m.text) for m in wanted}
    out += [f"not used by the code: {context}: {text!r}" for context, text, _ in _keys(catalog)
            if (context, text) not in used]  # fmt: skip
    return out
