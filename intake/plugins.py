"""Registries through which channels and engines plug into the provider-free core."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol

import click
from flask import Blueprint, Flask
from sqlalchemy.orm import Session

from intake.jobs import declare_heavy

if TYPE_CHECKING:
    from intake.config import Settings
    from intake.runtime import Runtime
    from intake.spool import Entry

ENTRY_POINT_GROUP = "inspraak.plugins"


@dataclass(frozen=True)
class JobContext:
    """What a job handler may use besides its session: settings, media store, job facts."""

    runtime: Runtime
    job_id: int
    attempts: int
    max_attempts: int

    @property
    def last_attempt(self) -> bool:
        """Tell whether a failure now makes the job dead."""
        return self.attempts >= self.max_attempts


class JobHandler(Protocol):
    """Do one job: load ids from the payload, do the work, flush; the worker commits."""

    def __call__(self, session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None: ...


@dataclass(frozen=True)
class Outgoing:
    """What a sender may know of a message besides its body (a mail's subject and language)."""

    language: str
    # The contribution it is about, if any.
    reference: str | None = None
    # "confirmation" for the link or code that proves an address; "message" otherwise.
    purpose: str = "message"


class Sender(Protocol):
    """Deliver `body` to `address` on one channel; return the provider's message id.

    Raises `intake.outbound.RecipientGoneError` when the address can never be reached,
    any other exception when a later retry may succeed.
    """

    def __call__(self, runtime: Runtime, address: str, body: str) -> str | None: ...


class DescribedSender(Protocol):
    """A sender that also takes what the message is about (an e-mail's subject, language)."""

    def __call__(
        self, runtime: Runtime, address: str, body: str, about: Outgoing
    ) -> str | None: ...


class SentFinder(Protocol):
    """Ask the provider whether `body` already went to `address` since `since`.

    Return the provider's message id of such a message, None when none was sent. Used on a
    retry of a send cut short (a killed worker, a lost answer) to avoid sending twice.
    """

    def __call__(
        self, runtime: Runtime, address: str, body: str, since: datetime
    ) -> str | None: ...


# What a message sent on a channel costs, as usage counts it: a metric and a quantity.
Meter = Callable[[str], tuple[str, int]]


class SpoolReplayer(Protocol):
    """Store one spooled message of a channel and answer the resident; commits itself.

    Must be idempotent on `entry.message_id`: a replay cut short is replayed again.
    """

    def __call__(self, runtime: Runtime, entry: Entry) -> None: ...


@dataclass(frozen=True)
class Channel:
    """A way residents reach Inspraak, as staff pages, reports and replies know it.

    Labels are Dutch source strings marked with `N_`; pages show them translated.
    """

    name: str
    label: str
    # The kinds of address residents leave on this channel (privacy look-ups), with labels.
    addresses: Mapping[str, str] = field(default_factory=dict)
    # A reply to a contribution from this channel goes back the same way, to its sender.
    answers_here: bool = False
    # The kinds of address this channel's sender delivers to, for residents of any channel.
    delivers: Collection[str] = ()


class UploadOutcome(Protocol):
    """Where the reading of an uploaded file stands, and what it made."""

    @property
    def state(self) -> str:
        """One of "waiting", "read" or "refused"."""

    @property
    def forms(self) -> int:
        """Contributions the file became."""

    @property
    def pages_needing_person(self) -> int:
        """Pages a person must look at."""

    @property
    def reason(self) -> str:
        """Why it was refused: a reason code (labels in the registry), then details."""


@dataclass(frozen=True)
class Upload:
    """Files staff may hand in on the staff area's upload page, and the job that reads them."""

    label: str
    """What the files are, for the page (a Dutch source string marked with `N_`)."""
    suffixes: Collection[str]
    job_kind: str
    queue: Callable[[Runtime, Session, BinaryIO, str, int], int]
    """Keep the file as an original and queue its reading for the staff member (by id) who
    uploaded it; return the job's id. The caller commits."""
    outcome: Callable[[Session, int], UploadOutcome | None]
    """Where the job with this id stands; None if there is no such job."""
    uploader: Callable[[Mapping[str, Any]], int | None]
    """Who uploaded the file a job reads, from the job's payload."""


@dataclass(frozen=True)
class Plugin:
    """A channel, engine or staff area: what it adds to the web app, worker and CLI."""

    name: str
    blueprints: Sequence[Blueprint] = ()
    job_handlers: Mapping[str, JobHandler] = field(default_factory=dict)
    commands: Sequence[click.Command] = ()
    senders: Mapping[str, Sender] = field(default_factory=dict)
    finders: Mapping[str, SentFinder] = field(default_factory=dict)
    """Per channel, how to ask the provider whether a reply already went out. A channel
    without one may send a reply twice when a worker dies between sending and recording."""
    meters: Mapping[str, Meter] = field(default_factory=dict)
    """Per channel, what a sent message counts for in `intake.usage` (SMS: its segments)."""
    init_app: Callable[[Flask], None] | None = None
    # Job kinds that still run when their contribution is erased: clean-ups at a provider
    # (a recording Twilio still holds), which must not be lost with the contribution.
    after_erasure: Sequence[str] = ()
    heavy_jobs: Collection[str] = ()
    """Job kinds of this plugin that take long (OCR, speech, downloads): claimed after
    replies and other short jobs, and in turns between senders."""
    replayers: Mapping[str, SpoolReplayer] = field(default_factory=dict)
    """Per channel, how to store a message its webhook spooled while the database was away:
    in one transaction, idempotent on the provider's message id, answering the resident."""
    channels: Sequence[Channel] = ()
    reasons: Mapping[str, str] = field(default_factory=dict)
    """Why a contribution may wait for a person, by the code this plugin leaves, with the
    label staff read (a Dutch source string marked with `N_`)."""
    alerts: Mapping[str, str] = field(default_factory=dict)
    """Reasons among `reasons` that say the installation needs fixing (a full disk, a missing
    speech model), with what the dashboard says about them (`N_`; may name the contributions'
    `%(language)s`)."""
    described_senders: Mapping[str, DescribedSender] = field(default_factory=dict)
    """Senders, per channel, that are also told what a message is about (`Outgoing`)."""
    enabled: Callable[[Settings], bool] | None = None
    """Whether the plugin is on under a process's settings (e-mail without SMTP is off);
    None: always on."""
    uploads: Mapping[str, Upload] = field(default_factory=dict)
    """Kinds of file staff may upload in the staff area (scanned forms), by name."""


def _undescribed(sender: DescribedSender) -> Sender:
    def send(runtime: Runtime, address: str, body: str) -> str | None:
        return sender(runtime, address, body, Outgoing(language="nl"))

    return send


class DuplicateRegistrationError(Exception):
    """Two plugins claim the same name, job kind or command."""


class Registry:
    """Every loaded plugin, indexed; refuses duplicates so no plugin silently wins."""

    def __init__(self, plugins: Iterable[Plugin] = ()) -> None:
        self.plugins: dict[str, Plugin] = {}
        self.job_handlers: dict[str, JobHandler] = {}
        self.senders: dict[str, Sender] = {}
        self.described_senders: dict[str, DescribedSender] = {}
        self.finders: dict[str, SentFinder] = {}
        self.meters: dict[str, Meter] = {}
        self.replayers: dict[str, SpoolReplayer] = {}
        self.after_erasure: set[str] = set()
        self.channels: dict[str, Channel] = {}
        self.reasons: dict[str, str] = {}
        self.alerts: dict[str, str] = {}
        self.uploads: dict[str, Upload] = {}
        for plugin in plugins:
            self.add(plugin)

    def add(self, plugin: Plugin) -> None:
        """Register `plugin` and its job handlers."""
        if plugin.name in self.plugins:
            raise DuplicateRegistrationError(f"plugin {plugin.name!r} is registered twice")
        for kind in plugin.job_handlers:
            if kind in self.job_handlers:
                raise DuplicateRegistrationError(f"job kind {kind!r} has two handlers")
        for channel in [*plugin.senders, *plugin.described_senders]:
            if channel in self.senders or channel in self.described_senders:
                raise DuplicateRegistrationError(f"channel {channel!r} has two senders")
        for channel in plugin.finders:
            if channel in self.finders:
                raise DuplicateRegistrationError(f"channel {channel!r} has two sent-finders")
        for channel in plugin.meters:
            if channel in self.meters:
                raise DuplicateRegistrationError(f"channel {channel!r} has two meters")
        for channel in plugin.replayers:
            if channel in self.replayers:
                raise DuplicateRegistrationError(f"channel {channel!r} has two spool replayers")
        for channel in plugin.channels:
            if channel.name in self.channels:
                raise DuplicateRegistrationError(f"channel {channel.name!r} is declared twice")
            sends = channel.name in plugin.senders or channel.name in plugin.described_senders
            if (channel.answers_here or channel.delivers) and not sends:
                raise TypeError(f"channel {channel.name!r} replies but has no sender")
        for name, upload in plugin.uploads.items():
            if name in self.uploads:
                raise DuplicateRegistrationError(f"upload {name!r} is declared twice")
            if upload.job_kind not in plugin.job_handlers:
                raise TypeError(f"upload {name!r} is read by a job its plugin does not handle")
        for code, label in plugin.reasons.items():
            if self.reasons.get(code, label) != label:
                raise DuplicateRegistrationError(f"reason {code!r} has two labels")
        for code, label in plugin.alerts.items():
            if code not in plugin.reasons:
                raise TypeError(f"plugin {plugin.name!r} alerts on an undeclared reason {code!r}")
            if self.alerts.get(code, label) != label:
                raise DuplicateRegistrationError(f"alert {code!r} has two texts")
        unknown = set(plugin.heavy_jobs) - set(plugin.job_handlers)
        if unknown:
            raise TypeError(f"plugin {plugin.name!r} declares jobs it does not handle: {unknown}")
        declare_heavy(plugin.heavy_jobs)
        self.plugins[plugin.name] = plugin
        self.job_handlers.update(plugin.job_handlers)
        self.senders.update(plugin.senders)
        self.described_senders.update(plugin.described_senders)
        # Every channel that can send, for routing; `send` tells the described ones more.
        self.senders.update(
            (channel, _undescribed(sender)) for channel, sender in plugin.described_senders.items()
        )
        self.finders.update(plugin.finders)
        self.meters.update(plugin.meters)
        self.replayers.update(plugin.replayers)
        self.after_erasure.update(plugin.after_erasure)
        self.channels.update((channel.name, channel) for channel in plugin.channels)
        self.reasons.update(plugin.reasons)
        self.alerts.update(plugin.alerts)
        self.uploads.update(plugin.uploads)

    def send(
        self, channel: str, runtime: Runtime, address: str, body: str, about: Outgoing
    ) -> str | None:
        """Deliver `body` through `channel`'s sender, telling it `about` if it takes that.

        Raises KeyError when no loaded plugin sends on `channel`.
        """
        described = self.described_senders.get(channel)
        if described is not None:
            return described(runtime, address, body, about)
        return self.senders[channel](runtime, address, body)

    def reply_channel(self, channel: str, address_kind: str) -> str | None:
        """Name the channel that can deliver a reply to a contribution, or None if none can.

        A channel that answers where it was written to replies itself; otherwise the reply
        goes to the channel whose sender reaches the kind of address the resident left.
        """
        came_by = self.channels.get(channel)
        if came_by is not None and came_by.answers_here and channel in self.senders:
            return channel
        return self.deliverer(address_kind)

    def deliverer(self, address_kind: str) -> str | None:
        """Name the channel whose sender delivers to this kind of address, if one is loaded."""
        for candidate in self.channels.values():
            if address_kind in candidate.delivers and candidate.name in self.senders:
                return candidate.name
        return None

    @property
    def deliverers(self) -> dict[str, str]:
        """Return, for each kind of address a loaded sender reaches, the channel that does."""
        kinds = {kind for channel in self.channels.values() for kind in channel.delivers}
        found = {kind: self.deliverer(kind) for kind in kinds}
        return {kind: channel for kind, channel in found.items() if channel is not None}

    @property
    def address_kinds(self) -> dict[str, str]:
        """Return every kind of address residents leave, with its label, in channel order."""
        kinds: dict[str, str] = {}
        for channel in self.channels.values():
            for kind, label in channel.addresses.items():
                kinds.setdefault(kind, label)
        return kinds

    @property
    def commands(self) -> list[click.Command]:
        """Return every CLI command the plugins add."""
        return [command for plugin in self.plugins.values() for command in plugin.commands]


def _load(target: str) -> Plugin:
    module_name, _, attribute = target.partition(":")
    plugin = getattr(importlib.import_module(module_name), attribute or "plugin")
    if not isinstance(plugin, Plugin):
        raise TypeError(f"{target} is not an inspraak Plugin")
    return plugin


# The core's own parts that run jobs or add commands, loaded like any plugin (by name, so
# that this module imports none of them).
CORE_PLUGINS = ("intake.outbound:plugin", "intake.contacts:plugin", "intake.reporting:plugin")


def discover(extra: Sequence[str] = (), settings: Settings | None = None) -> Registry:
    """Load the core's own plugins, the installed plugins (entry points) and INSPRAAK_PLUGINS.

    With `settings`, plugins that are off under them (`Plugin.enabled`) are left out.
    """
    targets = list(CORE_PLUGINS)
    targets += [ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)]
    targets += [t for t in extra if t not in targets]
    plugins = [_load(target) for target in targets]
    if settings is not None:
        plugins = [p for p in plugins if p.enabled is None or p.enabled(settings)]
    return Registry(plugins)
