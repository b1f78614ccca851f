"""Where the worker may send: public internet addresses only.

Webhook endpoints are typed into the admin, and the SMS gateway and Zalo URLs
come from settings; the worker POSTs to them from inside the portal's network.
An address that resolves to loopback, a private or shared range, link-local
(the cloud metadata service at 169.254.169.254 among them) or any other
non-public address would let whoever sets the URL reach services that trust
the inside. So:

- a host is checked after DNS resolution, on every address it resolves to, and
  the connection goes to the address that was checked (no second lookup that a
  rebinding DNS server could answer differently);
- redirects are not followed: a receiver that answers 3xx has failed, so no hop
  can lead inside;
- no proxy from the environment is used: the check must see the real peer;
- `OUTBOUND_ALLOWED_HOSTS` names hosts that may be internal all the same (a
  gateway on the same network, the tests' loopback servers), by the host name
  of the URL exactly as written.

The admin's webhook form checks the same way (`check_url`), so a clerk learns
at once; the worker checks again at each send (`open_guarded`), because DNS
answers change.
"""

import http.client
import ipaddress
import socket
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class RefusedAddress(Exception):
    """The URL may not be fetched: not http(s), no host, an internal address."""


class UnresolvedHost(RefusedAddress):
    """DNS gave no answer: perhaps only for now (the worker tries again later)."""


def _allowed_hosts() -> set[str]:
    return {host.strip().lower().rstrip(".") for host in settings.OUTBOUND_ALLOWED_HOSTS}


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone id is not ours
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is loopback
    return ip.is_global and not (
        ip.is_multicast or ip.is_reserved or ip.is_unspecified or ip.is_loopback
    )


def resolve(host: str, port: int) -> list[tuple]:
    """getaddrinfo's answers for a TCP connection, each checked; raises RefusedAddress."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise UnresolvedHost(
            _("The host “%(host)s” has no address (%(error)s).") % {"host": host, "error": error}
        ) from None
    if host.lower().rstrip(".") in _allowed_hosts():
        return answers
    for _family, _type, _proto, _name, sockaddr in answers:
        if not is_public(sockaddr[0]):
            raise RefusedAddress(
                _(
                    "The host “%(host)s” resolves to %(address)s, an internal address; "
                    "only public addresses may be reached."
                )
                % {"host": host, "address": sockaddr[0]}
            )
    return answers


def check_url(url: str) -> None:
    """Raises RefusedAddress unless `url` is http(s) to a public (or allowed) host."""
    check_scheme(url)
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise RefusedAddress(_("The port of the address is not a number.")) from None
    resolve(parts.hostname, port)


def _guarded_connection(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None):
    """socket.create_connection to an address of `host` that passed the check."""
    host, port = address
    last_error = None
    for family, kind, proto, _name, sockaddr in resolve(host, port):
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as error:
            sock.close()
            last_error = error
    raise last_error or OSError(f"no address to connect to for {host}")


class _GuardedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _guarded_connection


class _GuardedHTTPSConnection(http.client.HTTPSConnection):
    # connect() opens the socket through _create_connection, then wraps it in
    # TLS for the URL's host name: the certificate is still checked against it.
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _guarded_connection


class _GuardedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_GuardedHTTPConnection, req)


class _GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_GuardedHTTPSConnection, req, context=self._context)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # urllib then raises HTTPError with the 3xx status


_opener = urllib.request.OpenerDirector()
for _handler in (
    urllib.request.UnknownHandler(),
    _GuardedHTTPHandler(),
    _GuardedHTTPSHandler(),
    urllib.request.HTTPDefaultErrorHandler(),
    _NoRedirects(),
    urllib.request.HTTPErrorProcessor(),
):
    _opener.add_handler(_handler)


def open_guarded(request: urllib.request.Request, *, timeout: float):
    """urlopen for the worker: checked scheme and addresses, no redirects, no proxy.

    Raises RefusedAddress before anything is sent to a refused address, and
    urllib.error.HTTPError for a 3xx as for any other error status.
    """
    check_scheme(request.full_url)
    return _opener.open(request, timeout=timeout)


def check_scheme(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RefusedAddress(_("Give an http:// or https:// address with a host name."))
