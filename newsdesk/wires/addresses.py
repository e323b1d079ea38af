"""The SSRF rule for partners' feeds: which addresses may be fetched from (docs/wires-fetch.md).

Private, loopback, link-local, multicast, reserved, unspecified and carrier-grade NAT addresses
are refused, IPv4 and IPv6 alike, and IPv4 carried inside IPv6 (mapped, 6to4, Teredo, NAT64) is
judged as the IPv4 address it is.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings

# IPv4 shared address space (RFC 6598, carrier-grade NAT): neither private nor global to Python.
CGNAT = ipaddress.ip_network("100.64.0.0/10")
# IPv6 prefixes that carry an IPv4 address inside (NAT64 well-known and local-use prefixes).
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _address_category(address: IPAddress) -> str:
    """Why this address is not on the public internet, or "" when it is."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address.teredo is not None:
            embedded = address.teredo[1]
        if embedded is None and any(address in net for net in NAT64):
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return _address_category(embedded)
    for category, flag in (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
    ):
        if flag:
            return category
    if isinstance(address, ipaddress.IPv4Address) and address in CGNAT:
        return "carrier-grade NAT"
    if not address.is_global:
        return "non-public"
    return ""


def address_refusal(address: IPAddress) -> str:
    """The one-line reason this address may not be fetched from, or "" when it may.

    Private, loopback, link-local, multicast, reserved, unspecified and CGNAT addresses (IPv4,
    IPv6 and IPv4 inside IPv6) are refused unless WIRES_ALLOW_PRIVATE_NETWORKS is set, or the
    address is inside one of WIRES_ALLOWED_NETWORKS (a partner reached over a private link).
    """
    category = _address_category(address)
    if not category or settings.WIRES_ALLOW_PRIVATE_NETWORKS:
        return ""
    for network in settings.WIRES_ALLOWED_NETWORKS:
        try:
            if address in ipaddress.ip_network(network, strict=False):
                return ""
        except ValueError:
            continue
    return f"refused: {address} is a {category} address"
