#!/usr/bin/env python3
"""Checks that the peer did the same calculation as `rebase run`.

    python3 benches/peer/compare.py REBASE.csv PEER.csv

Prints one line: rows compared, cells identical as text, cells equal in
value but written differently (`7789` and `7789.00`), cells that differ
only by a penny or two (the peer's floats and half-to-even rounding), and
cells that differ by more (a different calculation: exit 1).
"""

import csv
import sys


def main():
    with open(sys.argv[1], newline="", encoding="utf-8") as a, \
            open(sys.argv[2], newline="", encoding="utf-8") as b:
        ours, peers = csv.reader(a), csv.reader(b)
        header, peer_header = next(ours), next(peers)
        if header != peer_header:
            sys.exit(f"different columns:\n{header}\n{peer_header}")
        rows = same = equal = pennies = 0
        worse = []
        for x, y in zip(ours, peers):
            rows += 1
            for name, u, v in zip(header, x, y):
                if u == v:
                    same += 1
                    continue
                try:
                    gap = abs(float(u or 0) - float(v or 0))
                except ValueError:
                    gap = float("inf")
                if gap == 0:
                    equal += 1
                elif gap <= 0.025:
                    pennies += 1
                else:
                    worse.append((x[0], name, u, v))
    print(f"{rows} rows: {same} cells identical, {equal} equal in value, "
          f"{pennies} a penny or two apart, {len(worse)} further apart")
    for w in worse[:10]:
        print("  ", *w)
    sys.exit(1 if worse else 0)


if __name__ == "__main__":
    main()
