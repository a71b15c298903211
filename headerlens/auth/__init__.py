"""Authentication: DKIM (RFC 6376) and ARC (RFC 8617) re-verification, Authentication-Results
and Received-SPF (RFC 8601, RFC 7208), and DMARC alignment (RFC 7489).

Each module is one step or one concept; import from them (``headerlens.auth.dkim``,
``headerlens.auth.arc``, ``headerlens.auth.results``, ``headerlens.auth.dmarc``, ...).
"""

__all__: list[str] = []
