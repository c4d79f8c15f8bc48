"""A real SMTP server for tests (aiosmtpd on 127.0.0.1, a free port), holding every message it receives."""
from __future__ import annotations

import socket
import ssl
import tempfile
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import trustme

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """aiosmtpd handler: keeps (envelope recipients, parsed message) for each DATA."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted"

    @property
    def messages(self) -> list[EmailMessage]:
        return [message for _, message in self.received]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """The messages once `count` have arrived (delivery is synchronous, so this rarely waits)."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages


class SmtpServer:
    """`with SmtpServer() as server:` ... `server.url` is the CADENCE_SMTP_URL that reaches it.

    With `login=(user, password)` the server demands AUTH (over plain TCP unless `security` says otherwise:
    this is a test on loopback). `security="starttls"` makes it refuse mail until the client has upgraded
    the connection with STARTTLS; `security="tls"` speaks TLS from the first byte (SMTPS). Its certificate,
    for 127.0.0.1, is issued by a test authority (trustme) whose certificate is at `server.ca_file`: the
    client must be told to trust it, as a company relay's own authority would be."""

    def __init__(self, login: tuple[str, str] | None = None, security: str = "plain", ca_dir: Path | None = None) \
            -> None:
        self.mailbox = Mailbox()
        self.port = free_port()
        self.login = login
        self.security = security
        self.ca_file = ""
        options: dict = {}
        if login:
            # aiosmtpd counts only a STARTTLS upgrade as TLS; under SMTPS the whole connection already is
            options = {"authenticator": self._authenticate, "auth_required": True,
                       "auth_require_tls": security == "starttls"}
        if security != "plain":
            authority = trustme.CA()
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            authority.issue_cert("127.0.0.1").configure_cert(context)
            folder = ca_dir or Path(tempfile.mkdtemp(prefix="smtp-ca-"))
            self.ca_file = str(folder / "test-authority.pem")
            authority.cert_pem.write_to_path(self.ca_file)
            if security == "starttls":
                options.update(tls_context=context, require_starttls=True)
            else:
                options.update(ssl_context=context)
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port, **options)

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        user = auth_data.login.decode() if isinstance(auth_data.login, bytes) else auth_data.login
        password = auth_data.password.decode() if isinstance(auth_data.password, bytes) else auth_data.password
        return AuthResult(success=(user, password) == self.login)

    @property
    def url(self) -> str:
        scheme = {"plain": "smtp", "starttls": "smtp+starttls", "tls": "smtps"}[self.security]
        if self.login:
            return f"{scheme}://{self.login[0]}:{self.login[1]}@127.0.0.1:{self.port}"
        return f"{scheme}://127.0.0.1:{self.port}"

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()
