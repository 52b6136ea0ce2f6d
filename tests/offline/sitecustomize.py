"""Loaded by every Python process the tests start (kernels included): refuse network access beyond
this machine, so a notebook that tried to fetch anything at run time would fail its test."""

import socket

_LOCAL = ("127.", "::1", "localhost", "0.0.0.0")
_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex
_getaddrinfo = socket.getaddrinfo


def _is_local(address) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX paths
        return True
    host = str(address[0]) if address else ""
    return host.startswith(_LOCAL) or host == ""


def _refuse(address):
    raise OSError(f"network disabled by the course's offline test: tried to reach {address!r}")


def connect(self, address):
    if not _is_local(address):
        _refuse(address)
    return _connect(self, address)


def connect_ex(self, address):
    if not _is_local(address):
        _refuse(address)
    return _connect_ex(self, address)


def getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else str(host)
    if host is not None and not name.startswith(_LOCAL) and name not in ("", "localhost"):
        _refuse((name,))
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect = connect
socket.socket.connect_ex = connect_ex
socket.getaddrinfo = getaddrinfo
