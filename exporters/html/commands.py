"""``planport preview``: the plan's page in the default browser.

A click command for the exporters' command hook. The page goes to a new temporary folder
that is left in place, since the browser reads the file after the command has ended.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from planport.core.errors import InputError

#: Opens a URL and says whether a browser took it (``webbrowser.open``'s contract).
Opener = Callable[[str], bool]


def _open_in_browser(url: str) -> bool:
    import webbrowser

    return webbrowser.open(url)


def make_preview_command(opener: Opener = _open_in_browser, folder: Callable[[], str] | None = None) -> click.Command:
    """The ``preview`` command; tests pass an ``opener`` that records instead of opening."""

    @click.command("preview")
    @click.argument("plan_file", metavar="PLAN", type=click.Path(dir_okay=False, allow_dash=True))
    @click.option("-o", "--option", "options", multiple=True, metavar="html.KEY=VALUE", help="A page option, such as html.locale=de; repeatable.")
    def preview(plan_file: str, options: tuple[str, ...]) -> int:
        """Show a plan as a web page in the default browser.

        The page is written to a new temporary folder, whose path is printed.

        \b
        planport preview samples/plans/hip-2-weeks.json
        planport preview plan.json -o html.locale=de
        """
        from planport.core import gate
        from planport.core.options import resolve_options, split_options
        from planport.core.plugins import Registered
        from planport.core.writer import Writer

        from . import exporter

        plan = gate.load_plan(plan_file)
        registered = Registered(exporter, "planport")
        raw = split_options(list(options), [exporter.name])[exporter.name]
        try:
            artifacts = exporter.export(plan, resolve_options(registered, raw))
        except InputError as e:
            raise e.with_source(gate.display_name(plan_file)) from None
        import tempfile

        out = Path(folder() if folder else tempfile.mkdtemp(prefix="planport-preview-"))
        Writer(out).write(artifacts)
        page = out / artifacts[0].path
        click.echo(str(page))
        if not opener(page.resolve().as_uri()):
            click.echo("planport: no browser could be opened; open the file above yourself", err=True)
        return 0

    return preview


preview = make_preview_command()
