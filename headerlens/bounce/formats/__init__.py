"""Per-format heuristics for prose bounces; each module recognises its own markers.

``HEURISTICS`` is the order in which formats are tried (specific before general);
``GENERIC`` reads any prose bounce no format recognised (:mod:`.prose`: the address lists
after lead sentences).
"""

from __future__ import annotations

from headerlens.bounce.formats import (
    activehunter,
    amazonses,
    amazonworkmail,
    aol,
    apachejames,
    courier,
    domino,
    dragonfly,
    exchange2003,
    exchange2007,
    exim,
    ezweb,
    fml,
    gmail,
    googlegroups,
    imailserver,
    interscanmss,
    kddi,
    mailmarshal,
    mcafee,
    notes,
    opensmtpd,
    postfix,
    prose,
    qmail,
    sendgrid,
    sendmail,
    v5sendmail,
    verizon,
    x6,
    yahoo,
)
from headerlens.bounce.formats._base import Heuristic

__all__ = ["GENERIC", "HEURISTICS"]

GENERIC: Heuristic = prose.HEURISTIC

HEURISTICS: tuple[Heuristic, ...] = (
    activehunter.HEURISTIC,
    imailserver.HEURISTIC,
    interscanmss.HEURISTIC,
    mcafee.HEURISTIC,
    verizon.HEURISTIC,
    amazonses.HEURISTIC,
    amazonworkmail.HEURISTIC,
    sendgrid.HEURISTIC,
    apachejames.HEURISTIC,
    mailmarshal.HEURISTIC,
    x6.HEURISTIC,
    fml.HEURISTIC,
    kddi.HEURISTIC,
    ezweb.HEURISTIC,
    googlegroups.HEURISTIC,
    gmail.HEURISTIC,
    exim.HEURISTIC,
    dragonfly.HEURISTIC,
    yahoo.HEURISTIC,
    aol.HEURISTIC,
    qmail.HEURISTIC,
    opensmtpd.HEURISTIC,
    courier.HEURISTIC,
    exchange2003.HEURISTIC,
    domino.HEURISTIC,
    notes.HEURISTIC,
    exchange2007.HEURISTIC,
    postfix.HEURISTIC,
    v5sendmail.HEURISTIC,
    sendmail.HEURISTIC,
)
