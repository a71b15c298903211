"""Benchmark: reading Authentication-Results, ours against authres 1.2.0 (run by hand).

    .venv/bin/python -P benchmarks/authres_parse.py

1. One header of 400 results (about 25 KB), best of 20: our tolerant reader alone
   (``check_conformance=False``), the full ``parse_authentication_results`` (tolerant reader
   and our strict RFC 8601 check, ``headerlens.auth._ar_strict``), the strict check alone,
   and authres 1.2.0's parse of the same value. The ratio authres / ours.
2. The strict check on hostile values at N and 2N characters (nested comments, an unclosed
   nesting, folds, quoted-pairs, many results, a long domain): t(2N)/t(N), best of 5, N
   doubled until one check takes 20 ms. Linear code reads about 2, quadratic 4.
"""

from __future__ import annotations

import timeit
from collections.abc import Callable

import authres

from headerlens.auth._ar_strict import check_strict
from headerlens.auth.results import parse_authentication_results


def build(n: int = 400) -> str:
    methods = [
        "dkim=pass (2048-bit key) header.d=ex{i}.com header.s=s{i} header.b=Ab{i:04d}",
        "spf=pass (192.0.2.{j} permitted) smtp.mailfrom=bounce@ex{i}.com",
        "dmarc=pass (p=reject sp=none dis=none) header.from=ex{i}.com",
        "iprev=pass policy.iprev=192.0.2.{j} (mta{i}.example.com)",
    ]
    parts = [methods[i % 4].format(i=i, j=i % 250) for i in range(n)]
    return "mx.example.org; " + ";\r\n  ".join(parts)


HOSTILE: dict[str, Callable[[int], str]] = {
    "nested comments": lambda n: "mx; spf=pass " + "(" * (n // 2) + ")" * (n // 2),
    "unclosed nesting": lambda n: "mx; spf=pass " + "(" * n,
    "folds in a comment": lambda n: "mx; spf=pass (" + "x\r\n " * (n // 4) + ")",
    "quoted-pairs": lambda n: 'mx; spf=pass reason="' + "\\a" * (n // 2) + '"',
    "many results": lambda n: "mx" + "; spf=pass smtp.mailfrom=a.example" * (n // 35),
    "long domain": lambda n: "mx; spf=pass smtp.mailfrom=a@" + "a." * (n // 2) + "example",
}


def best(fn: Callable[[], object], repeat: int) -> float:
    return min(timeit.repeat(fn, number=1, repeat=repeat))


def main() -> None:
    value = build()
    assert len(parse_authentication_results(value).results) == 400
    assert parse_authentication_results(value).conformant
    assert len(authres.all_features().parse_value(value).results) == 400
    runs = 20
    t_reader = best(lambda: parse_authentication_results(value, check_conformance=False), runs)
    t_full = best(lambda: parse_authentication_results(value), runs)
    t_strict = best(lambda: check_strict(value), runs)
    t_authres = best(lambda: authres.all_features().parse_value(value), runs)
    print(f"header: {len(value)} characters, 400 results, best of {runs}")
    print(f"headerlens tolerant reader:          {t_reader * 1000:8.2f} ms")
    print(f"headerlens strict check alone:       {t_strict * 1000:8.2f} ms")
    print(f"headerlens reader + strict check:    {t_full * 1000:8.2f} ms")
    print(f"authres 1.2.0:                       {t_authres * 1000:8.2f} ms")
    print(f"ratio authres / headerlens (both):   {t_authres / t_full:.1f}x")
    print("\nstrict check on hostile values, t(2N)/t(N), best of 5 (linear: about 2)")
    for name, make in HOSTILE.items():
        n = 20_000
        while True:
            small, large = make(n), make(2 * n)
            t_small = best(lambda v=small: check_strict(v), 5)  # type: ignore[misc]
            if t_small >= 0.02 or n >= 5_000_000:
                break
            n *= 2
        t_large = best(lambda v=large: check_strict(v), 5)  # type: ignore[misc]
        print(
            f"  {name:20} N={len(small):>9,}  {t_small * 1000:7.1f} ms  2N {t_large * 1000:7.1f} ms"
            f"  ratio {t_large / t_small:.2f}"
        )


if __name__ == "__main__":
    main()
