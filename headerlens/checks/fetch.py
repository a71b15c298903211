"""Fetching an MTA-STS policy over HTTPS (RFC 8461 section 3.3): opt-in, like live DNS.

A fetcher is given to ``Policy(mta_sts_fetcher=...)``; without one no policy file is fetched.
:class:`HttpsFetcher` connects to an address the checks looked up through the caller's
resolver (so the system resolver is never asked), sends SNI and checks the certificate for
the policy host, never follows a redirect, and reads at most 64 KiB. Its default TLS context
trusts the system's certificate store, which it reads only when a fetch is made.
"""

from __future__ import annotations

import datetime as dt
import http.client
import socket
import ssl
import time
from typing import Protocol, runtime_checkable
from urllib.parse import urlsplit

from headerlens._version import __version__
from headerlens.checks.models import HttpsFetch

__all__ = ["HttpsFetcher", "PolicyFetcher"]


@runtime_checkable
class PolicyFetcher(Protocol):
    """Anything that fetches ``url`` from one of ``addresses`` and never raises."""

    def fetch(self, url: str, addresses: tuple[str, ...]) -> HttpsFetch:
        """GET ``url`` over HTTPS, connecting to one of ``addresses`` (IPs of its host)."""
        ...


class _PinnedConnection(http.client.HTTPSConnection):
    """An HTTPS connection to a given IP, with SNI and certificate checks for the host name."""

    def __init__(
        self, host: str, address: str, port: int, context: ssl.SSLContext, timeout: float
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._tls = context

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        try:
            self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


class HttpsFetcher:
    """Fetch MTA-STS policy files over HTTPS (RFC 8461 3.3); never raises.

    ``timeout`` is seconds per connection attempt; ``max_bytes`` the largest body read
    (RFC 8461 suggests 64 KB); ``context`` the TLS context (default: the system's trust
    store, certificate and host name checked); ``port`` is 443 except in tests.
    """

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        max_bytes: int = 64 * 1024,
        context: ssl.SSLContext | None = None,
        port: int = 443,
    ) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.context = context
        self.port = port

    def fetch(self, url: str, addresses: tuple[str, ...]) -> HttpsFetch:
        at = dt.datetime.now(dt.UTC)
        started = time.perf_counter()

        def done(outcome: str, **kw: object) -> HttpsFetch:
            return HttpsFetch(
                url=url,
                outcome=outcome,
                at=at,
                elapsed=round(time.perf_counter() - started, 6),
                **kw,
            )

        parts = urlsplit(url)
        host = parts.hostname
        if parts.scheme != "https" or not host:
            return done("error", error="not an https URL")
        if not addresses:
            return done("no_address", error=f"{host} has no address")
        context = self.context or ssl.create_default_context()
        last: HttpsFetch | None = None
        for address in addresses[:4]:
            conn = _PinnedConnection(host, address, self.port, context, self.timeout)
            try:
                conn.request(
                    "GET",
                    parts.path or "/",
                    headers={"User-Agent": f"headerlens/{__version__}", "Accept": "text/plain"},
                )
                response = conn.getresponse()
                status = response.status
                ctype = response.getheader("Content-Type")
                if 300 <= status < 400:
                    return done(
                        "redirect",
                        status=status,
                        address=address,
                        error=f"redirect to {response.getheader('Location')!r} not followed",
                    )
                body = response.read(self.max_bytes + 1)
                if status != 200:
                    return done("http_error", status=status, content_type=ctype, address=address)
                if len(body) > self.max_bytes:
                    return done("too_large", status=status, content_type=ctype, address=address)
                return done(
                    "ok",
                    status=status,
                    content_type=ctype,
                    body=body.decode("utf-8", "replace"),
                    address=address,
                )
            except ssl.SSLError as exc:  # includes certificate verification failures
                return done("tls_error", address=address, error=str(exc)[:500])
            except TimeoutError as exc:
                last = done("timeout", address=address, error=str(exc)[:500] or "timed out")
            except OSError as exc:
                last = done("connect_error", address=address, error=str(exc)[:500])
            except (http.client.HTTPException, ValueError) as exc:
                return done("error", address=address, error=f"{type(exc).__name__}: {exc}"[:500])
            finally:
                conn.close()
        assert last is not None
        return last
