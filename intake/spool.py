"""Messages a webhook acknowledged while the database could not take them, kept on disk.

A provider such as Twilio does not retry an SMS webhook that failed: if the database is
unreachable, the message would be gone. The webhook then writes it here instead and answers
as if it were stored; the worker (and start-up) replays the spool as soon as the database
answers again, through the channel's own replay handler, which is idempotent on the
provider's message id.

Layout, under `DATA_DIR/spool/`: each web process appends to its own `<host>-<pid>.jsonl`
(one JSON line per message, with a CRC of its body, fsynced before the webhook answers). A
replay takes a file by renaming it to `*.<time>.replaying`, so a writer never appends to a
file being replayed: writers lock the file and check it is still the one under its name. An entry
that cannot be read (half written at a crash, damaged) or that its handler refuses is moved
to `corrupt/` with the reason and a log line naming the file and line, never dropped.

The spool holds residents' messages (numbers, texts): files are private to the service user
and deleted once replayed. Each entry names its sender by the keyed hash their contributor
row carries, so that erasing a resident erases their entries here too (`forget`); `purge`
deletes what is older than `KEEP_DAYS` (what could not be read cannot be attributed, and goes
then).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import socket
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from intake.db import UNAVAILABLE
from intake.files import FILE_MODE, private_dir
from intake.models import utcnow
from intake.tenancy import DEFAULT_TENANT_ID, current_tenant_id, scoped

log = logging.getLogger("inspraak.spool")
SUFFIX = ".jsonl"
REPLAYING = ".replaying"
CORRUPT = "corrupt"
REASON = ".reason.txt"
# Set-aside entries are for a person to look at within days, not to keep.
KEEP_DAYS = 7


@dataclass(frozen=True)
class Entry:
    """One spooled message: which channel took it, the provider's id, what it carried."""

    channel: str
    message_id: str
    payload: Mapping[str, Any]
    spooled_at: str = ""
    # The keyed hash the sender's contributor row is found by (`intake.privacy`), if known.
    sender: str | None = None
    # The municipality it was for: the replay stores it there, whatever the request said.
    tenant: int = field(default_factory=current_tenant_id)


class UnknownChannelError(Exception):
    """A spooled entry names a channel with no replay handler in this installation."""


# Stores one entry through its channel; raises one of `intake.db.UNAVAILABLE` to stop the
# replay (the database went away again), any other error to set that one entry aside.
Replayer = Callable[[Entry], None]


@dataclass
class Replayed:
    """What one replay did."""

    stored: int = 0
    set_aside: int = 0
    reasons: list[str] = field(default_factory=list)


def _line(entry: Entry) -> bytes:
    body = json.dumps(
        {
            "channel": entry.channel,
            "id": entry.message_id,
            "at": entry.spooled_at or utcnow().isoformat(),
            "payload": dict(entry.payload),
            "sender": entry.sender,
            "tenant": entry.tenant,
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return json.dumps({"crc": zlib.crc32(body.encode()), "body": body}).encode() + b"\n"


def _entry(line: bytes) -> Entry:
    """Read one spool line, or raise ValueError saying what is wrong with it."""
    try:
        outer = json.loads(line)
        body = outer["body"]
        if zlib.crc32(body.encode()) != outer["crc"]:
            raise ValueError("checksum does not match")
        inner = json.loads(body)
        return Entry(
            str(inner["channel"]),
            str(inner["id"]),
            inner["payload"],
            inner["at"],
            inner.get("sender"),
            int(inner.get("tenant", DEFAULT_TENANT_ID)),
        )
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeError) as error:
        raise ValueError(f"unreadable line ({type(error).__name__})") from None


def _sent_by(line: bytes, sender: str) -> bool:
    # By this sender to the current municipality: the same number may write to another.
    try:
        entry = _entry(line)
        return entry.sender == sender and entry.tenant == current_tenant_id()
    except ValueError:
        return False  # unreadable: cannot be attributed, goes with `purge`


def _remove_set_aside(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.with_suffix(REASON).unlink(missing_ok=True)


class Spool:
    """The spool folder of one data dir."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.corrupt = folder / CORRUPT

    def put(self, entry: Entry) -> None:
        """Append `entry` and wait until it is on disk; raise OSError if it cannot be."""
        private_dir(self.folder)
        path = self.folder / f"{socket.gethostname()}-{os.getpid()}{SUFFIX}"
        data = _line(entry)
        while True:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                # A replay may have taken the file between open and lock: write to a new one.
                if not path.exists() or os.stat(path).st_ino != os.fstat(fd).st_ino:
                    continue
                os.fchmod(fd, FILE_MODE)
                written = os.write(fd, data)
                if written != len(data):
                    raise OSError(f"spool: short write ({written} of {len(data)} bytes)")
                os.fsync(fd)
                return
            finally:
                os.close(fd)

    def waiting(self) -> bool:
        """Tell whether anything waits to be replayed (cheap: no file is read)."""
        return bool(self._files())

    def depth(self) -> int:
        """Count the messages waiting to be replayed (set-aside entries not included)."""
        count = 0
        for path in self._files():
            try:
                with open(path, "rb") as waiting:
                    count += sum(1 for line in waiting if line.strip())
            except FileNotFoundError:
                continue  # replayed meanwhile
        return count

    def set_aside_count(self) -> int:
        """Count the entries kept aside for a person."""
        return len(self._set_aside_files())

    def replay(self, replayers: Mapping[str, Replayer]) -> Replayed:
        """Store every waiting entry through its channel's replayer; see the module text.

        Stops at the first database error (raised on), leaving what is not stored yet in
        place for the next replay.
        """
        done = Replayed()
        for path in self._files():
            taken = path if path.name.endswith(REPLAYING) else self._take(path)
            if taken is None:
                continue
            self._replay_file(taken, replayers, done)
        return done

    def forget(self, sender: str) -> int:
        """Delete every entry, waiting or set aside, that `sender` sent to the current
        municipality; return how many."""
        forgotten = 0
        for path in self._files():
            taken = path if path.name.endswith(REPLAYING) else self._take(path)
            if taken is not None:
                forgotten += self._forget_in(taken, sender)
        for path in self._set_aside_files():
            if _sent_by(path.read_bytes(), sender):
                _remove_set_aside(path)
                forgotten += 1
        return forgotten

    def purge(self, before: float) -> int:
        """Delete files last written before `before` (a time stamp): the set-aside entries,
        and anything still waiting (replay first: that is only what the database refused for
        as long). Return how many entries went."""
        purged = 0
        for path in self._set_aside_files():
            if path.stat().st_mtime < before:
                _remove_set_aside(path)
                purged += 1
        for path in self._files():
            with contextlib.suppress(FileNotFoundError):
                if path.stat().st_mtime < before:
                    purged += sum(1 for line in path.read_bytes().splitlines() if line.strip())
                    path.unlink()
        return purged

    def _forget_in(self, path: Path, sender: str) -> int:
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return 0
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # not while it is replayed
            if not path.exists():
                return 0
            lines = path.read_bytes().splitlines(keepends=True)
            kept = [line for line in lines if not _sent_by(line, sender)]
            if len(kept) < len(lines):
                path.write_bytes(b"".join(kept))
            return len(lines) - len(kept)
        finally:
            os.close(fd)

    def _set_aside_files(self) -> list[Path]:
        if not self.corrupt.is_dir():
            return []
        return [p for p in self.corrupt.iterdir() if p.suffix == SUFFIX]

    def _files(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(
            p
            for p in self.folder.iterdir()
            if p.is_file() and (p.name.endswith(SUFFIX) or p.name.endswith(REPLAYING))
        )

    def _take(self, path: Path) -> Path | None:
        """Rename a writer's file out of its way, once no writer holds its lock."""
        # A name of its own: an earlier take of the same file may still wait to be replayed.
        taken = path.with_name(f"{path.name}.{time.time_ns()}{REPLAYING}")
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if not path.exists() or os.stat(path).st_ino != os.fstat(fd).st_ino:
                return None
            os.rename(path, taken)
            return taken
        finally:
            os.close(fd)

    def _replay_file(self, path: Path, replayers: Mapping[str, Replayer], done: Replayed) -> None:
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return  # another replayer finished it
        try:
            # Waits while a writer that opened it before it was taken looks and goes away,
            # or while another process replays it (then it is gone).
            fcntl.flock(fd, fcntl.LOCK_EX)
            if path.exists():
                self._replay_lines(path, replayers, done)
        finally:
            os.close(fd)

    def _replay_lines(self, path: Path, replayers: Mapping[str, Replayer], done: Replayed) -> None:
        lines = path.read_bytes().splitlines(keepends=True)
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                entry = _entry(line)
                replayer = replayers.get(entry.channel)
                if replayer is None:
                    raise UnknownChannelError(f"no replay handler for channel {entry.channel!r}")
            except (ValueError, UnknownChannelError) as error:
                self._set_aside(path, number, line, str(error), done)
                continue
            try:
                with scoped(entry.tenant):
                    replayer(entry)
            except Exception as error:
                if isinstance(error, UNAVAILABLE):
                    # Keep this entry and the rest for the next replay.
                    path.write_bytes(b"".join(lines[number - 1 :]))
                    raise
                self._set_aside(path, number, line, type(error).__name__, done)
                continue
            done.stored += 1
        path.unlink()

    def _set_aside(self, path: Path, number: int, line: bytes, reason: str, done: Replayed) -> None:
        private_dir(self.corrupt)
        stem = path.name.removesuffix(REPLAYING).removesuffix(SUFFIX)
        kept = self.corrupt / f"{stem}-{utcnow():%Y%m%dT%H%M%S}-{number}{SUFFIX}"
        fd = os.open(kept, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "wb") as out:
            out.write(line)
        kept.with_suffix(REASON).write_text(reason + "\n", encoding="utf-8")
        os.chmod(kept.with_suffix(REASON), FILE_MODE)
        done.set_aside += 1
        done.reasons.append(reason)
        # The file and line, never the line itself: it holds a resident's message.
        log.error("spool: entry %s of %s kept aside in %s: %s", number, path.name, kept, reason)
