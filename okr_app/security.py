"""Browser-facing defences every response gets: security headers, cookie flags, proxy awareness.

The headers make the browser refuse what Cadence never does on purpose: run inline script, be
framed by another site, guess content types, or leak our URLs to other sites. Cookies are HttpOnly
and SameSite=Lax always, and Secure whenever the request arrived over HTTPS (or always, with
CADENCE_SECURE_COOKIES=1).

Hosts and proxies: a request whose Host header is not one of `CADENCE_TRUSTED_HOSTS` answers 400 before any
view runs, so no link or redirect Cadence builds can point at a host an attacker typed (default: the host
`cadence serve` binds to, `localhost`, and the host of `CADENCE_BASE_URL`). X-Forwarded-For/-Proto/-Host are
honoured for one hop, and only on connections from the proxy addresses `CADENCE_BEHIND_PROXY` names
(`10.0.0.5` or `10.0.0.5,10.0.0.6`; `1` means a proxy on this machine); from anyone else they are ignored,
so the client address the login throttle counts and the https scheme are the real ones. `cadence serve`
gives gunicorn the same list as `--forwarded-allow-ips`.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, abort, request
from werkzeug.sansio.utils import host_is_trusted
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}

# A year of HSTS once a browser has reached us over HTTPS (RFC 6797); never sent over plain HTTP.
STRICT_TRANSPORT_SECURITY = "max-age=31536000"


LOOPBACK = ("127.0.0.1", "::1")


def proxy_addresses(setting) -> tuple[str, ...]:
    """CADENCE_BEHIND_PROXY as addresses: '' or '0' → none; '1' (or True) → this machine; else the list."""
    if setting is True or str(setting).strip() == "1":
        return LOOPBACK
    if not setting or str(setting).strip() in ("0", "false", "no"):
        return ()
    return tuple(part.strip() for part in str(setting).split(",") if part.strip())


def init_app(app: Flask) -> None:
    app.wsgi_app = SecureCookiesOverHttps(app.wsgi_app)
    proxies = proxy_addresses(app.config.get("BEHIND_PROXY"))
    if proxies:
        # Outermost, so the cookie middleware and Flask both see the client's scheme and address.
        app.wsgi_app = FromTrustedProxyOnly(app.wsgi_app, proxies)
    trusted = trusted_hosts(app)

    @app.before_request
    def refuse_unknown_hosts():
        if trusted and not host_is_trusted(request.host, trusted):
            abort(400, description="Unknown host: this server does not answer for that name "
                                   "(CADENCE_TRUSTED_HOSTS).")

    app.after_request(add_security_headers)


def trusted_hosts(app: Flask) -> list[str]:
    configured = app.config.get("TRUSTED_HOST_NAMES")
    if configured:
        return list(configured)
    hosts = ["localhost", "127.0.0.1", "::1"]
    bound = (app.config.get("SERVE_HOST") or "").strip()
    if bound and bound not in ("0.0.0.0", "::", ""):
        hosts.append(bound)
    base = urlsplit(app.config.get("BASE_URL") or "").hostname
    if base:
        hosts.append(base)
    return hosts


class FromTrustedProxyOnly:
    """ProxyFix for connections from the named proxies; any other client's X-Forwarded-* headers are ignored."""

    def __init__(self, wsgi_app, proxies: tuple[str, ...]) -> None:
        self.plain = wsgi_app
        self.fixed = ProxyFix(wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1)
        self.proxies = frozenset(proxies)

    def __call__(self, environ, start_response):
        if environ.get("REMOTE_ADDR") in self.proxies:
            return self.fixed(environ, start_response)
        return self.plain(environ, start_response)


def add_security_headers(response: Response) -> Response:
    """Every response: the fixed headers; dynamic pages: no-store, so a shared or back-button cache
    never shows one person's OKRs, reviews or pay to the next person at that browser."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    if request.endpoint != "static" and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response


class SecureCookiesOverHttps:
    """WSGI middleware adding `Secure` to every cookie set on an HTTPS request.

    Flask's SESSION_COOKIE_SECURE is one fixed setting; this makes the flag follow the scheme the
    request actually used, for the session, remember-me and any later cookie alike.
    """

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("wsgi.url_scheme") != "https":
            return self.wsgi_app(environ, start_response)

        def secure_start_response(status, headers, exc_info=None):
            return start_response(status, [_with_secure(name, value) for name, value in headers], exc_info)

        return self.wsgi_app(environ, secure_start_response)


def _with_secure(name: str, value: str) -> tuple[str, str]:
    if name.lower() != "set-cookie":
        return name, value
    attributes = [part.strip().lower() for part in value.split(";")[1:]]
    return (name, value) if "secure" in attributes else (name, value + "; Secure")
