"""Plugins: exporters, the CLI commands and delivery targets they bring, found through entry points.

An exporter is any object with ``name``, ``description``, ``extensions``, ``options_schema``
and ``export(plan, options) -> list[Artifact]``, registered in the entry-point group
``planport.exporters``. The same object may implement pluggy hooks (marked with
``planport.hookimpl``) to add CLI commands (``planport_commands``) and delivery targets
(``planport_delivery_targets``); a module registered in ``planport.plugins`` may implement
the hooks without being an exporter. planport's own exporters register exactly like a third
party's, so this module never imports them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, runtime_checkable

import pluggy

from .entrypoints import EntryPoint, entry_points
from .errors import PluginError

if TYPE_CHECKING:
    import click

    from .model import Plan

EXPORTER_GROUP = "planport.exporters"
PLUGIN_GROUP = "planport.plugins"
#: The distribution whose exporters are built in; a plugin may not take their names.
BUILTIN_DISTRIBUTION = "planport"
OPTIONS_SCHEMA_ID = "https://planport.example/schemas/exporter-options.schema.json"
COMMON_SCHEMA_ID = "https://planport.example/schemas/common.schema.json"
_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")

hookspec = pluggy.HookspecMarker("planport")
hookimpl = pluggy.HookimplMarker("planport")


class Artifact(NamedTuple):
    """One output file: a relative POSIX path under the output folder, its bytes and media type."""

    path: str
    data: bytes
    media_type: str


@runtime_checkable
class Exporter(Protocol):
    """What an exporter plugin provides; ``export`` must not touch the file system, the clock or the network.

    An exporter may also have ``roster_artifacts(records, options) -> list[Artifact]``: files
    for a whole batch (an index page, say), made once the batch is complete from its manifest
    records (dicts: row, id, status, athlete {name, time_zone, plan, first, last, sessions},
    files, errors, deliveries) in roster order, with its options."""

    # Read-only in the protocol, so plain class attributes of any exact type satisfy it.
    @property
    def name(self) -> str: ...

    @property
    def description(self) -> str: ...

    @property
    def extensions(self) -> Sequence[str]: ...

    @property
    def options_schema(self) -> dict[str, Any]: ...

    def export(self, plan: Plan, options: dict[str, Any]) -> list[Artifact]: ...


class Delivered(NamedTuple):
    """What a delivery target did with one artifact."""

    path: str  # the artifact's path
    action: str  # such as "copied", "skipped", "created", "updated", "deleted"
    location: str  # where it went, in the target's own terms


class DeliveryReport:
    """A delivery's outcome: one entry per artifact (or remote item), a one-line summary, and any
    files the delivery adds to the output folder (a subscription feed, say), written by planport."""

    def __init__(self, delivered: list[Delivered] | None = None, summary: str = "", files: list[Artifact] | None = None):
        self.delivered = list(delivered or [])
        self.summary = summary
        self.files = list(files or [])

    def __repr__(self) -> str:
        return f"DeliveryReport({self.delivered!r}, {self.summary!r}, {len(self.files)} files)"


@runtime_checkable
class DeliveryTarget(Protocol):
    """Somewhere artifacts can be put once they are made: a watch, a calendar server, a feed folder.

    A target may also have ``check(destination, options)``, called before anything is exported
    or written, to refuse a destination it cannot use (InputError), ``takes_files = True`` when
    it delivers the files of its ``formats`` (so one of them must be in --to; a calendar sync
    works from the plan and need not), and, like an exporter, ``roster_artifacts(records)``
    (see ``Exporter``).

    ``deliver`` gets the artifacts of one export and the plan they were made from (a calendar
    sync works from the plan's sessions, a watch copy from the files). It raises ``InputError``
    for what the user must fix (exit 2) and does nothing at all when ``dry_run`` is true
    except report what it would do: planport calls it that way first, so what is in the way
    stops the export before a file is written."""

    name: str
    description: str
    formats: tuple[str, ...]  # the exporters whose artifacts it takes

    def deliver(
        self, artifacts: Sequence[Artifact], destination: str, *, plan: Plan | None = None, dry_run: bool = False, options: dict[str, Any] | None = None,
    ) -> DeliveryReport: ...


def needs_formats(target: Any, formats: Sequence[str], typed: str) -> None:
    """InputError when ``target`` delivers files and none of its formats is among ``formats``."""
    if getattr(target, "takes_files", False) and not set(target.formats) & set(formats):
        from .errors import InputError

        wanted = " or ".join(target.formats)
        raise InputError.at("", f"the {target.name} target takes {wanted} files: add {wanted} to --to", typed)


class HookSpecs:
    """The hooks a plugin may implement (datasette's ``register_commands`` is the model)."""

    @hookspec
    def planport_commands(self) -> list[click.Command]:  # type: ignore[empty-body]
        """CLI commands to add to ``planport``, such as the FIT exporter's ``inspect`` and ``sync``."""

    @hookspec
    def planport_delivery_targets(self) -> list[DeliveryTarget]:  # type: ignore[empty-body]
        """Delivery targets this plugin offers."""


class _HookManager(pluggy.PluginManager):
    """pluggy's manager, told that only ``planport_*`` attributes can be hooks: it would otherwise
    inspect every attribute of every plugin object at each start."""

    def parse_hookimpl_opts(self, plugin: object, name: str) -> Any:
        if not name.startswith("planport_"):
            return None
        return super().parse_hookimpl_opts(plugin, name)


class Registered(NamedTuple):
    """An exporter and where it came from (the distribution that registered it)."""

    exporter: Exporter
    origin: str
    builtin: bool = False


def _origin(ep: EntryPoint) -> tuple[str, bool]:
    if not ep.dist_name:
        return ep.value, False
    return f"{ep.dist_name} {ep.dist_version}".strip(), ep.dist_name == BUILTIN_DISTRIBUTION


def contract_problems(obj: object, registered_as: str | None = None) -> list[str]:
    """What ``obj`` lacks to be an exporter, in words; empty when it keeps the contract.

    Cheap on purpose (no JSON Schema library): it runs for every plugin at start-up. The
    options schema itself is checked against the JSON Schema meta-schema on first use."""
    problems = []
    name = getattr(obj, "name", None)
    if not isinstance(name, str) or not _NAME.match(name):
        problems.append("a name (lower-case letters, digits, '-' or '_')")
    elif registered_as is not None and name != registered_as:
        problems.append(f"its name {name!r} to match the entry point name {registered_as!r}")
    if not isinstance(getattr(obj, "description", None), str) or not obj.description.strip():  # type: ignore[attr-defined]
        problems.append("a description")
    extensions = getattr(obj, "extensions", None)
    if not isinstance(extensions, (tuple, list)) or not all(isinstance(e, str) and e.startswith(".") for e in extensions):
        problems.append("extensions (a tuple such as ('.ics',))")
    schema = getattr(obj, "options_schema", None)
    if not isinstance(schema, dict) or schema.get("type") != "object" or schema.get("additionalProperties") is not False or not isinstance(schema.get("properties", {}), dict):
        problems.append("an options_schema (a JSON Schema object with additionalProperties false)")
    if not callable(getattr(obj, "export", None)):
        problems.append("an export(plan, options) method")
    return problems


class Plugins:
    """The exporters, commands and delivery targets of this run.

    ``Plugins.discover()`` loads what is installed; tests and library users may build one
    by hand with ``add_exporter`` and ``add_plugin``, so nothing here is global."""

    def __init__(self) -> None:
        self.exporters: dict[str, Registered] = {}
        #: Exporter names whose plugin could not be used, and why (shown when the name is asked for).
        self.broken: dict[str, str] = {}
        #: Problems that concern no particular exporter name (shown by ``planport exporters``).
        self.warnings: list[str] = []
        self._hooks = _HookManager("planport")
        self._hooks.add_hookspecs(HookSpecs)

    # --- registration ----------------------------------------------------------------

    @classmethod
    def discover(cls) -> Plugins:
        """Every installed exporter and hook plugin; a broken one is recorded, never fatal."""
        plugins = cls()
        found = entry_points(EXPORTER_GROUP, PLUGIN_GROUP)
        exporters = sorted((e for e in found if e.group == EXPORTER_GROUP), key=lambda e: (not _origin(e)[1], e.name, e.value))
        for ep in exporters:  # built-ins first, so a clash is decided in their favour
            origin, builtin = _origin(ep)
            try:
                obj = ep.load()
                exporter = obj() if isinstance(obj, type) else obj
            except Exception as e:  # a third party's import error must not take the others down
                plugins._mark_broken(ep.name, f"exporter plugin {ep.name!r} ({ep.value}, from {origin}) failed to load: {type(e).__name__}: {e}")
                continue
            plugins._add(exporter, origin, builtin, ep.name)
        for ep in sorted((e for e in found if e.group == PLUGIN_GROUP), key=lambda e: e.name):
            origin, _ = _origin(ep)
            try:
                plugins.add_plugin(ep.load(), f"{ep.name} ({origin})")
            except Exception as e:
                plugins.warnings.append(f"plugin {ep.name!r} ({ep.value}, from {origin}) failed to load: {type(e).__name__}: {e}")
        return plugins

    def add_exporter(self, exporter: object, origin: str = "in-process", *, builtin: bool = False) -> None:
        """Register ``exporter`` and its hooks; PluginError naming it when it cannot be used."""
        name = getattr(exporter, "name", None)
        refused = self._add(exporter, origin, builtin, name if isinstance(name, str) else None)
        if refused:
            raise PluginError(refused)

    def add_plugin(self, plugin: object, name: str | None = None) -> None:
        """Register a plugin that implements hooks only."""
        self._hooks.register(plugin, name=name)

    def _mark_broken(self, name: str, reason: str) -> None:
        self.broken.setdefault(name, reason)

    def _add(self, exporter: object, origin: str, builtin: bool, registered_as: str | None) -> str | None:
        """Register ``exporter``; the reason when it is not (also recorded for the user)."""
        label = str(registered_as or getattr(exporter, "name", None) or type(exporter).__name__)
        problems = contract_problems(exporter, registered_as)
        if problems:
            reason = f"exporter plugin {label!r} from {origin} is unusable: it needs {', '.join(problems)}"
            self._mark_broken(label, reason)
            return reason
        name: str = exporter.name  # type: ignore[attr-defined]
        if name in self.exporters:
            kept = self.exporters[name]
            what = "the built-in exporter" if kept.builtin else "the exporter"
            reason = f"exporter plugin {name!r} from {origin} is ignored: {what} of that name comes from {kept.origin}"
            self.warnings.append(reason)
            return reason
        try:
            # pluggy inspects every attribute of what it registers: only objects that have hooks.
            if any(attribute.startswith("planport_") for attribute in dir(exporter)):
                self._hooks.register(exporter, name=f"exporter:{name}")
        except (ValueError, pluggy.PluginValidationError) as e:  # a hook implementation pluggy cannot use
            reason = f"exporter plugin {name!r} from {origin} has a bad hook: {e}"
            self._mark_broken(name, reason)
            return reason
        self.exporters[name] = Registered(exporter, origin, builtin)  # type: ignore[arg-type]
        return None

    # --- lookup ----------------------------------------------------------------------

    def names(self) -> list[str]:
        return sorted(set(self.exporters) | set(self.broken))

    def commands(self) -> list[click.Command]:
        """The CLI commands every plugin adds, in registration order (a name already taken is ignored by the CLI)."""
        found: list[click.Command] = []
        for batch in reversed(self._hooks.hook.planport_commands()):  # pluggy calls the last registered first
            found.extend(batch or [])
        return found

    def delivery_targets(self) -> dict[str, DeliveryTarget]:
        targets: dict[str, DeliveryTarget] = {}
        for batch in reversed(self._hooks.hook.planport_delivery_targets()):
            for target in batch or []:
                targets.setdefault(target.name, target)
        return targets

    def __getstate__(self) -> dict[str, Any]:
        # Worker processes started with "spawn" get a fresh discovery; hook objects do not pickle.
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        fresh = Plugins.discover()
        self.__dict__.update(fresh.__dict__)


def lazy_command(name: str, target: str, short_help: str) -> click.Command:
    """A CLI command that imports its module only when run or asked for its help.

    For ``planport_commands`` hooks: ``planport --help`` lists the command from ``name`` and
    ``short_help`` alone, so a plugin's command module (and what it imports) costs nothing
    until the command is used. ``target`` is ``"package.module:command"``."""
    import click

    class LazyCommand(click.Command):
        def __init__(self) -> None:
            super().__init__(name, short_help=short_help)
            self._real: click.Command | None = None

        def resolve(self) -> click.Command:
            """The real command, imported on first use."""
            if self._real is None:
                import importlib

                module, _, attribute = target.partition(":")
                self._real = getattr(importlib.import_module(module), attribute)
            return self._real

        def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any) -> click.Context:
            return self.resolve().make_context(info_name, args, parent=parent, **extra)

        def invoke(self, ctx: click.Context) -> Any:
            return ctx.command.invoke(ctx)

        def get_params(self, ctx: click.Context) -> list[click.Parameter]:
            return self.resolve().get_params(ctx)

        def get_help(self, ctx: click.Context) -> str:
            return self.resolve().get_help(ctx)

    return LazyCommand()
