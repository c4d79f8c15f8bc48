"""Browser-facing defences every response gets: security headers, cookie flags, proxy awareness.

The headers make the browser refuse what Cadence never does on purpose: run inline script, be
framed by another site, guess content types, or leak our URLs to other sites. Cookies are HttpOnly
and SameSite=Lax always, and Secure whenever the request arrived over HTTPS (or always, with
CADENCE_SECURE_COOKIES=1). Behind a reverse proxy (CADENCE_BEHIND_PROXY=1) the proxy's
X-Forwarded-For/-Proto/-Host are trusted for one hop, so the client address the login throttle
counts and the https scheme are the real ones.
"""
from __future__ import annotations

from flask import Flask, Response, request
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


def init_app(app: Flask) -> None:
    app.wsgi_app = SecureCookiesOverHttps(app.wsgi_app)
    if app.config.get("BEHIND_PROXY"):
        # Outermost, so the cookie middleware and Flask both see the client's scheme and address.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1)

    app.after_request(add_security_headers)


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
