"""Words and dates for a page in one locale.

Dates, weekday and month names, times and units come from Babel's CLDR data for any
locale it knows. The page's own labels come from ``locales/<language>.po``, read with
Babel at run time; a language without a catalog gets the English labels.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_interval, format_time, get_day_names
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.units import format_unit


class UnknownLocale(ValueError):
    """A locale name Babel does not know."""


def parse_locale(name: str) -> Locale:
    """``de``, ``de-AT`` or ``de_AT`` as a Babel locale, or UnknownLocale."""
    try:
        return Locale.parse(name.replace("-", "_"))
    except (UnknownLocaleError, ValueError) as e:
        raise UnknownLocale(f"unknown locale {name!r}; use a language tag such as en, de or de-AT") from e


@lru_cache(maxsize=16)
def _catalog(language: str) -> gettext.NullTranslations:
    po = resources.files(__package__).joinpath("locales", f"{language}.po")
    if not po.is_file():
        return gettext.NullTranslations()
    with po.open("rb") as f:
        catalog = read_po(f, locale=language)
    # gettext reads compiled catalogs only: compile in memory rather than ship .mo files.
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@lru_cache(maxsize=16)
def page_texts(locale_name: str) -> Texts:
    locale = parse_locale(locale_name)
    return Texts(locale, _catalog(locale.language))


@dataclass(frozen=True)
class Texts:
    locale: Locale
    translations: gettext.NullTranslations

    @property
    def lang(self) -> str:
        """The BCP 47 tag for the page's ``lang`` attribute: ``de-AT``."""
        return "-".join(p for p in (self.locale.language, self.locale.script, self.locale.territory) if p)

    def _(self, message: str, **values: object) -> str:
        text = self.translations.gettext(message)
        return text.format(**values) if values else text

    def n_(self, singular: str, plural: str, n: int, **values: object) -> str:
        """A count with its noun, in the right plural form: ``{n} sessions``."""
        return self.translations.ngettext(singular, plural, n).format(n=self.number(n), **values)

    def number(self, n: int | float) -> str:
        from babel.numbers import format_decimal

        return format_decimal(n, locale=self.locale)

    def date(self, day: dt.date, form: str = "medium") -> str:
        return format_date(day, form, locale=self.locale)

    def month_title(self, first: dt.date) -> str:
        return format_date(first, "LLLL y", locale=self.locale)

    def interval(self, start: dt.date, end: dt.date, skeleton: str = "yMMMd") -> str:
        return format_interval(start, end, skeleton, locale=self.locale)

    def time(self, moment: dt.time | dt.datetime) -> str:
        return format_time(moment, "short", locale=self.locale)

    def minutes(self, n: int) -> str:
        return format_unit(n, "duration-minute", length="short", locale=self.locale)

    def weekdays(self, width: Literal["abbreviated", "wide"] = "abbreviated") -> list[str]:
        """Monday-first weekday names (Babel numbers Monday 0, like ``date.weekday()``)."""
        names = get_day_names(width, context="stand-alone", locale=self.locale)
        return [names[i] for i in range(7)]
