"""How a finished message leaves: an SMTP relay named by `CADENCE_SMTP_URL`, or a file in the outbox.

    smtp://host:25                      plain SMTP (a relay on the same machine or network)
    smtp+starttls://user:pass@host:587  SMTP upgraded with STARTTLS, then AUTH (submission)
    smtps://user:pass@host:465          SMTP inside TLS from the first byte

User and password are percent-decoded (`p%40ss` is `p@ss`). The certificate is checked against the system's
authorities, or against `CADENCE_SMTP_CA_FILE` for a relay with a company certificate. With no URL, each
message is written as an RFC 5322 `.eml` file into the instance folder's `outbox/` (mode 0600: it can hold a
password-reset link), which any mail client opens."""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import unquote, urlsplit

from okr_app.errors import InvalidInput

SECURITY_BY_SCHEME = {"smtp": "plain", "smtp+starttls": "starttls", "smtps": "tls"}
DEFAULT_PORTS = {"plain": 25, "starttls": 587, "tls": 465}
TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class SmtpRelay:
    host: str
    port: int
    security: str  # plain, starttls or tls
    username: str = ""
    password: str = ""
    ca_file: str = ""

    @classmethod
    def from_url(cls, url: str, ca_file: str = "") -> SmtpRelay:
        parts = urlsplit(url)
        security = SECURITY_BY_SCHEME.get(parts.scheme.lower())
        if security is None or not parts.hostname:
            raise InvalidInput(f"CADENCE_SMTP_URL must look like smtp://host:port, smtp+starttls://user:pass@host:587 "
                               f"or smtps://user:pass@host:465 (got scheme {parts.scheme!r}).")
        try:
            port = parts.port or DEFAULT_PORTS[security]
        except ValueError as exc:
            raise InvalidInput(f"CADENCE_SMTP_URL has a bad port: {exc}") from None
        return cls(host=parts.hostname, port=port, security=security, username=unquote(parts.username or ""),
                   password=unquote(parts.password or ""), ca_file=ca_file)

    def deliver(self, message: EmailMessage) -> None:
        """Hand the message to the relay; any refusal raises (smtplib.SMTPException or OSError)."""
        context = ssl.create_default_context(cafile=self.ca_file or None)
        if self.security == "tls":
            connection = smtplib.SMTP_SSL(self.host, self.port, timeout=TIMEOUT_SECONDS, context=context)
        else:
            connection = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS)
        with connection:
            connection.ehlo()
            if self.security == "starttls":
                connection.starttls(context=context)
                connection.ehlo()
            if self.username:
                connection.login(self.username, self.password)
            connection.send_message(message)


def write_to_outbox(message: EmailMessage, outbox: Path, name: str) -> Path:
    """The message as `outbox/<name>.eml`, readable by the instance's owner only."""
    outbox.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = outbox / f"{name}.eml"
    path.touch(mode=0o600)
    path.write_bytes(message.as_bytes())
    return path
