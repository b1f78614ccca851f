"""Strict readers for settings taken from the environment.

Every reader raises ImproperlyConfigured naming the variable when its value is
malformed, so a typo in a deployment fails at start-up instead of silently
falling back to a default. ``NAME_FILE`` may hold the path of a file with the
value (for secrets mounted as files).
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_MISSING = object()


def _raw(name: str) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {file_name!r}: {exc}") from exc
    return os.environ.get(name)


def string(name: str, default=_MISSING) -> str:
    value = _raw(name)
    if value is None:
        if default is _MISSING:
            raise ImproperlyConfigured(f"{name} must be set")
        return default
    return value


def boolean(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no), got {value!r}")


def integer(name: str, default: int) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from None


def string_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database(name: str, default=_MISSING) -> dict:
    url = string(name, default)
    if not url.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured(f"{name} must be a postgres:// URL, got {url.split(':')[0]!r}")
    try:
        config = environ.Env.db_url_config(url)
    except Exception as exc:
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {exc}") from exc
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} must name a database")
    # libpq writes a Unix socket directory as a percent-encoded host (%2Fvar%2Frun).
    config["HOST"] = unquote(config.get("HOST") or "")
    return config


def redis_url(name: str, default=_MISSING) -> str:
    url = string(name, default)
    if not url.startswith(("redis://", "rediss://")):
        raise ImproperlyConfigured(f"{name} must be a redis:// or rediss:// URL")
    return url


def http_url(name: str, default=_MISSING) -> str:
    """An http:// or https:// URL with a host; template braces ({z}, {s}) may appear."""
    url = string(name, default)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured(f"{name} must be an http:// or https:// URL, got {url!r}")
    return url


def csp_source(url: str) -> str:
    """The Content-Security-Policy source that admits a URL's origin.

    A Leaflet tile URL may spread its requests over subdomains with `{s}`
    (https://{s}.tile.example.org/...): that label becomes CSP's `*` wildcard.
    """
    parts = urlsplit(url.replace("{s}", "subdomain-placeholder"))
    host = parts.hostname.replace("subdomain-placeholder", "*")
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


def email(name: str, default: str) -> dict:
    url = string(name, default)
    if not url.startswith(("smtp://", "smtps://", "smtp+tls://", "consolemail://", "dummymail://")):
        raise ImproperlyConfigured(
            f"{name} must be an smtp://, smtps://, smtp+tls://, consolemail:// or dummymail:// URL"
        )
    try:
        return environ.Env.email_url_config(url)
    except Exception as exc:
        raise ImproperlyConfigured(f"{name} is not a valid email URL: {exc}") from exc
