#!/usr/bin/env python3
"""Builds fixtures/haringey-2009/: practices whose variation report gives
seed 003's Haringey figures (King's Fund 2010, from Haringey PCT 2009):
PMS an average of £91.93 a patient (range £60.20 to £145.56) against GMS
£69.44 (range £52.12 to £91.25). The practices are invented; the averages
(total core / total registered list) and the ranges are the seed's, exactly.
Deterministic: python3 tools/make_haringey_fixture.py
"""
import os
import random
from decimal import Decimal as D, ROUND_HALF_UP

OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "haringey-2009")
rng = random.Random(2009)


def r2(x):
    return D(x).quantize(D("0.01"), rounding=ROUND_HALF_UP)


def practices(kind, n, low, high, average, first):
    """n practices with prices from low to high (both used exactly) whose
    list-weighted average is exactly `average`."""
    # The two extremes are small practices; the rest sit around the average.
    lists = [rng.randrange(2500, 4000), rng.randrange(2500, 4000)] + [rng.randrange(4000, 11000) for _ in range(n - 2)]
    spread = (float(high) - float(low)) / 5
    prices = [D(low), D(high)] + [r2(rng.uniform(float(average) - spread, float(average) + spread)) for _ in range(n - 2)]
    # Shift the middle prices together so the average lands on the target,
    # then let the last practice take up the pennies so total / list is exact.
    gap = D(average) * sum(lists) - sum(p * l for p, l in zip(prices, lists))
    shift = gap / sum(lists[2:])
    prices = prices[:2] + [r2(p + shift) for p in prices[2:]]
    cores = [r2(p * l) for p, l in zip(prices, lists)]
    need = D(average) * sum(lists) - sum(cores[:-1])
    cores[-1] = need
    last = need / lists[-1]
    assert D(low) < last < D(high), (kind, last)
    out = []
    for i, (l, c) in enumerate(zip(lists, cores)):
        out.append({
            "code": f"F85{first + i:03d}",
            "contract": kind,
            "list": l,
            "core": c,
            "qof": r2(l * rng.uniform(14, 20)),
            "des": r2(l * rng.uniform(2, 5)),
            "les": r2(l * rng.uniform(1, 6)),
            "other": r2(l * rng.uniform(8, 25)),
            "weighted": r2(l * rng.uniform(0.95, 1.15)),
        })
    return out


NAMES = ["Bounds Green Group Practice", "Muswell Hill Practice", "Tottenham Health Centre",
         "Lawrence House Surgery", "Morris House Group Practice", "Stuart Crescent Health Centre",
         "Queenswood Medical Practice", "Highgate Group Practice", "Westbury Medical Centre",
         "Grove Road Surgery", "The Alexandra Surgery", "Fernlea Surgery", "Park Lane Surgery",
         "Arcadian Gardens Surgery", "The Vale Practice", "Charlton House Surgery",
         "Somerset Gardens Family Health Care Centre", "Bruce Grove Primary Health Care Centre",
         "Havergal Surgery", "JS Medical Practice", "Dowsett Road Surgery", "Tynemouth Road Health Centre",
         "Rutland House Surgery", "Cheshire Road Surgery"]


def main():
    pms = practices("PMS", 12, "60.20", "145.56", "91.93", 1)
    gms = practices("GMS", 12, "52.12", "91.25", "69.44", 101)
    rows = pms + gms
    rng.shuffle(rows)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "practices.csv"), "w", newline="\n") as f:
        f.write("practice_code,practice_name,contract,group,list_exeter,weighted_list,"
                "global_sum,mpig,pms_baseline,qof,des,nes,les,other\n")
        for name, p in zip(NAMES, rows):
            gs, mpig, base = (D(0), D(0), p["core"]) if p["contract"] == "PMS" else (r2(p["core"] * D("0.9")), None, None)
            if p["contract"] == "GMS":
                mpig = p["core"] - gs
                base = D(0)
            f.write(f"{p['code']},{name},{p['contract']},5C9,{p['list']},{p['weighted']},"
                    f"{gs:.2f},{mpig:.2f},{base:.2f},{p['qof']},{p['des']},0.00,{p['les']},{p['other']}\n")
    for kind, group in (("PMS", pms), ("GMS", gms)):
        total = sum(p["core"] for p in group) / sum(p["list"] for p in group)
        prices = sorted(p["core"] / p["list"] for p in group)
        print(kind, len(group), "average", total, "range", r2(prices[0]), r2(prices[-1]))


if __name__ == "__main__":
    main()
