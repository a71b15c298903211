"""Benchmark: our Authentication-Results tokenizer against authres 1.2.0.

One header of 400 results (about 25 KB), parsed repeatedly by both. Reports the best-of-N
time per parse and the ratio. Run by hand: ``.venv/bin/python benchmarks/authres.py``.

Our default ``parse_authentication_results`` also asks authres whether the value is
conformant (when nothing had to be repaired), so it is measured twice: the tokenizer alone
(``check_conformance=False``) and the full call.
"""

from __future__ import annotations

import timeit

import authres

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


def main() -> None:
    value = build()
    assert len(parse_authentication_results(value).results) == 400
    assert len(authres.all_features().parse_value(value).results) == 400
    runs = 20

    def best(fn: object) -> float:
        return min(timeit.repeat(fn, number=1, repeat=runs))  # type: ignore[arg-type]

    t_ours = best(lambda: parse_authentication_results(value, check_conformance=False))
    t_full = best(lambda: parse_authentication_results(value))
    t_authres = best(lambda: authres.all_features().parse_value(value))
    print(f"header: {len(value)} characters, 400 results, best of {runs}")
    print(f"headerlens tokenizer:           {t_ours * 1000:8.2f} ms")
    print(f"headerlens with authres check:  {t_full * 1000:8.2f} ms")
    print(f"authres 1.2.0:                  {t_authres * 1000:8.2f} ms")
    print(f"ratio authres / headerlens tokenizer: {t_authres / t_ours:.1f}x")
    # Linearity: doubling the size should roughly double the time.
    big = build(1000)
    t_big = best(lambda: parse_authentication_results(big, check_conformance=False))
    print(
        f"1000 results ({len(big)} chars): {t_big * 1000:.2f} ms"
        f" ({t_big / t_ours:.1f}x the time of 400, {len(big) / len(value):.1f}x the size)"
    )


if __name__ == "__main__":
    main()
