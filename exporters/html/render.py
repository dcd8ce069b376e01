"""Jinja2 set up for planport's pages: templates from the package, autoescaping on, and the
stylesheet inlined so each page is one self-contained file.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from importlib import resources

import jinja2
from markupsafe import Markup

STYLESHEET = "page.css"


def _load_template(name: str) -> str | None:
    path = resources.files(__package__).joinpath("templates", name)
    return path.read_text("utf-8") if path.is_file() else None


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FunctionLoader(_load_template),
        # Every value is escaped unless marked safe: plan text can never become markup.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@lru_cache(maxsize=1)
def stylesheet() -> str:
    css = resources.files(__package__).joinpath(STYLESHEET).read_text("utf-8")
    if "</" in css:  # would end the <style> element early
        raise ValueError(f"{STYLESHEET} must not contain '</'")
    return css


def content_security_policy(css: str) -> str:
    """Nothing may load from anywhere; only this page's own stylesheet applies.

    Hostile text is escaped already; the policy is a second wall, and it makes any
    accidental reference to a web resource fail loudly instead of leaking a request."""
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return f"default-src 'none'; style-src 'sha256-{digest}'; img-src data:; base-uri 'none'; form-action 'none'"


def render_page(template: str, **context: object) -> bytes:
    css = stylesheet()
    html = environment().get_template(template).render(
        css=Markup(css),
        csp=content_security_policy(css),
        **context,
    )
    return html.encode("utf-8")
