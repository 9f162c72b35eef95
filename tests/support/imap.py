"""A real IMAP server on 127.0.0.1 (Dovecot) with a test mailbox, TLS and a password.

Dovecot runs from a temporary folder with its own configuration: a passwd-file user, mail
in a Maildir under the folder, a certificate made for the test (trusted, like the SMTP
server's, through SSL_CERT_FILE). Mail arrives the way a mail server files it: by APPEND.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

from tests.support.smtp import _certificate, _free_port

USER = "inspraak"
PASSWORD = "geheim imap"
START_SECONDS = 15


@dataclass(frozen=True)
class Mailbox:
    """The running server and what tests need of it: its URL, delivery and a look inside."""

    port: int
    cert: Path
    plain_port: int

    def url(self, scheme: str = "imaps", folder: str = "INBOX") -> str:
        """Return INSPRAAK_IMAP_URL for this mailbox (TLS from the start, or STARTTLS)."""
        port = self.port if scheme == "imaps" else self.plain_port
        return f"{scheme}://{USER}:{quote(PASSWORD)}@127.0.0.1:{port}/{folder}"

    @contextmanager
    def _connection(self) -> Iterator[imaplib.IMAP4_SSL]:
        context = ssl.create_default_context(cafile=str(self.cert))
        connection = imaplib.IMAP4_SSL("127.0.0.1", self.port, ssl_context=context)
        connection.login(USER, PASSWORD)
        try:
            yield connection
        finally:
            connection.logout()

    def deliver(self, mail: EmailMessage | bytes, folder: str = "INBOX") -> None:
        """File `mail` into `folder`, as the municipality's mail server would."""
        raw = mail if isinstance(mail, bytes) else mail.as_bytes()
        with self._connection() as connection:
            status, _ = connection.append(folder, "", None, raw)
            assert status == "OK"

    def count(self, folder: str) -> int:
        """Return how many mails `folder` holds (0 when it does not exist)."""
        with self._connection() as connection:
            status, data = connection.select(f'"{folder}"', readonly=True)
            return int(data[0] or 0) if status == "OK" else 0


def _users() -> tuple[str, str]:
    # Dovecot refuses to run its login and internal processes as root: under root they run
    # as the users Debian's package creates for them; otherwise as the test's own user.
    if os.getuid() == 0:
        return "dovenull", "dovecot"
    me = pwd.getpwuid(os.getuid()).pw_name
    return me, me


def _oauth(folder: Path, introspection: str | None) -> str:
    """The passdb that checks XOAUTH2 tokens with the issuer (RFC 7662 introspection)."""
    if introspection is None:
        return ""
    settings = folder / "oauth2.conf.ext"
    settings.write_text(
        f"introspection_mode = post\nintrospection_url = {introspection}\n"
        "force_introspection = yes\nusername_attribute = client_id\n"
        "active_attribute = active\nactive_value = true\n",
        encoding="utf-8",
    )
    return f"""
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {settings}
}}
"""


def _config(  # noqa: PLR0913 - one configuration file, written once
    folder: Path,
    run: Path,
    cert: Path,
    key: Path,
    port: int,
    plain_port: int,
    *,
    tls: bool,
    introspection: str | None = None,
) -> Path:
    login_user, internal_user = _users()
    # Mail is owned by the internal user: Dovecot keeps no one's mail as root.
    owner = pwd.getpwnam(internal_user)
    mail = run / "mail"
    mail.mkdir()
    os.chown(mail, owner.pw_uid, owner.pw_gid)
    users = run / "users"
    users.write_text(
        f"{USER}:{{PLAIN}}{PASSWORD}:{owner.pw_uid}:{owner.pw_gid}::{mail}::\n", encoding="utf-8"
    )
    config = folder / "dovecot.conf"
    config.write_text(
        f"""
base_dir = {run}
state_dir = {folder}/state
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = 1
ssl = {"required" if tls else "no"}
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = {"yes" if tls else "no"}
auth_mechanisms = plain login{" xoauth2 oauthbearer" if introspection else ""}
mail_location = maildir:{mail}/Maildir
{_oauth(folder, introspection)}
passdb {{
  driver = passwd-file
  args = {users}
}}
userdb {{
  driver = passwd-file
  args = {users}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {plain_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {port}
    ssl = {"yes" if tls else "no"}
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
""",
        encoding="utf-8",
    )
    return config


@contextmanager
def imap_server(
    folder: Path, *, tls: bool = True, introspection: str | None = None
) -> Iterator[Mailbox]:
    """Run Dovecot on two free ports of 127.0.0.1 (imaps, and imap with STARTTLS).

    `tls=False`: a server that offers no encryption at all (and takes passwords in the clear).
    `introspection`: where Dovecot checks OAuth2 tokens (XOAUTH2) besides passwords.
    """
    dovecot = shutil.which("dovecot") or "/usr/sbin/dovecot"
    home = folder / "dovecot"
    home.mkdir()
    cert, key = _certificate(home)
    port, plain_port = _free_port(), _free_port()
    # Its sockets live where its unprivileged processes can reach them (not under a 0700 tmp).
    run = Path(tempfile.mkdtemp(prefix="inspraak-dovecot-"))
    run.chmod(0o755)
    config = _config(home, run, cert, key, port, plain_port, tls=tls, introspection=introspection)
    # Dovecot forks into the background; its output goes to the log file of the config.
    subprocess.run(
        [dovecot, "-c", str(config)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    mailbox = Mailbox(port=port, cert=cert, plain_port=plain_port)
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                with socket.create_connection(("127.0.0.1", plain_port), timeout=5) as probe:
                    if probe.recv(64).startswith(b"* OK"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("Dovecot did not start; see its dovecot.log")
            time.sleep(0.1)
        yield mailbox
    finally:
        subprocess.run([dovecot, "-c", str(config), "stop"], check=False, capture_output=True)
        shutil.rmtree(run, ignore_errors=True)
