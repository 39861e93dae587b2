#!/usr/bin/env python3
"""Generate fixtures/kensington-chelsea/ (practices.csv, scenario.toml).

Synthetic data modelled on seed 004 (NHS Kensington and Chelsea's PMS
re-basing, c.2008-10; DOMAIN.md section 5).  The practices are invented;
the aggregates are the ones the seed reports:

  * 19 PMS practices holding about 54% of the registered (Exeter) population;
  * GMS about £70 per patient, list-weighted (made exactly £70.00);
  * PMS £102.43 per patient, list-weighted: the PMS core total is exactly
    102.43 x the PMS list-used total (whole-number lists);
  * over-funded list growth of 6,500 registrations worth about £500,000
    (list_funded - list_used on six PMS practices, priced at £75-80 per
    funded patient);
  * re-based to £85.53 per patient, losses tapered over two years, premium
    services at £2 and £4 per patient, Exeter lists unless the practice's
    own count differs by more than 2%.

Run from the repository root:  python3 tools/make_kc_fixture.py
It is deterministic (fixed seed) and checks the figures with tools/oracle.py.
"""

import importlib.util
import os
import random
import sys
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "kensington-chelsea")

spec = importlib.util.spec_from_file_location("oracle", os.path.join(HERE, "oracle.py"))
oracle = importlib.util.module_from_spec(spec)
spec.loader.exec_module(oracle)
round2 = oracle.round2

rng = random.Random(4)  # seed 004

NAMES = [
    "The Abingdon Health Centre", "Kensington Park Medical Centre", "Holland Park Surgery",
    "The Golborne Medical Centre", "The Chelsea Practice", "Knightsbridge Medical Centre",
    "Earls Court Medical Centre", "Redcliffe Surgery", "Colville Health Centre Practice",
    "The Portobello Medical Centre", "St Charles Centre Practice", "Ladbroke Grove Surgery",
    "North Kensington Medical Centre", "Notting Hill Gate Surgery", "Cheyne Walk Practice",
    "World's End Health Centre", "Sloane Square Practice", "Gloucester Road Surgery",
    "Cromwell Road Practice", "Brompton Medical Centre", "Westbourne Park Surgery",
    "Barlby Road Surgery", "Treadgold Street Practice", "Exhibition Road Surgery",
    "Pembridge Villas Surgery", "Elgin Crescent Practice", "Oxford Gardens Surgery",
    "St Quintin Avenue Surgery", "Kensal Road Health Centre", "Lots Road Surgery",
    "Edith Grove Practice", "Beaufort Street Surgery", "Pont Street Practice",
    "Stanhope Mews Surgery", "Royal Crescent Practice", "Hammersmith Road Surgery",
]
N, N_PMS = 36, 19
PMS_AVERAGE = Decimal("102.43")
GMS_AVERAGE = Decimal("70.00")
EXCESS = [1450, 1250, 1100, 1000, 900, 800]  # over-funded registrations, 6,500 in all


def money(x):
    return format(round2(Decimal(x)), "f")


def per_patient(lo, hi):
    return Decimal(str(round(rng.uniform(lo, hi), 2)))


def scale_to(practices, average):
    """Set core values from rough prices so sum(core) = average * sum(list used)."""
    need = average * sum(p["used"] for p in practices)
    rough = sum(p["rough"] * p["used"] for p in practices)
    for p in practices:
        p["core"] = round2(p["rough"] * p["used"] * need / rough)
    practices[0]["core"] += need - sum(p["core"] for p in practices)  # last pennies


def build():
    codes = sorted(rng.sample(range(1, 61), N))
    contracts = ["PMS"] * N_PMS + ["GMS"] * (N - N_PMS)
    rng.shuffle(contracts)
    ps = []
    for i in range(N):
        pms = contracts[i] == "PMS"
        ps.append({"code": f"E87{codes[i]:03d}", "name": NAMES[i], "contract": contracts[i],
                   "exeter": rng.randint(3400, 9800) if pms else rng.randint(2600, 8200)})
    pms = [p for p in ps if p["contract"] == "PMS"]
    gms = [p for p in ps if p["contract"] == "GMS"]

    # PMS hold 54% of the registered population: scale GMS lists to 46/54.
    want_gms = Decimal(sum(p["exeter"] for p in pms)) * 46 / 54
    k = want_gms / sum(p["exeter"] for p in gms)
    for p in gms:
        p["exeter"] = int(round(p["exeter"] * k))
    gms[3]["exeter"] = round(gms[3]["exeter"] / 50) * 50  # exactly-at-threshold case

    # Practice counts: within 1.5% of Exeter, except three beyond 2% (reconcile),
    # and one exactly 2% above (Exeter is used).
    for p in ps:
        p["practice"] = int(round(p["exeter"] * (1 + rng.uniform(-0.015, 0.015))))
        p["ghosts"] = None
    pms[2]["practice"] = int(round(pms[2]["exeter"] * 1.031))
    pms[9]["practice"] = int(round(pms[9]["exeter"] * 0.974))
    gms[5]["practice"] = int(round(gms[5]["exeter"] * 1.042))
    gms[3]["practice"] = gms[3]["exeter"] * 102 // 100
    pms[4]["ghosts"], pms[12]["ghosts"] = 140, 85  # list cleansing on two PMS lists
    for p in ps:
        beyond = abs(p["practice"] - p["exeter"]) / p["exeter"] > 0.02
        p["used"] = (p["practice"] if beyond else p["exeter"]) - (p["ghosts"] or 0)

    # Over-funded PMS practices: the six largest lists not already special.
    special = {id(pms[2]), id(pms[9]), id(pms[4]), id(pms[12])}
    over = sorted((p for p in pms if id(p) not in special), key=lambda p: -p["used"])[:6]
    for p, excess in zip(over, EXCESS):
        p["funded"] = p["used"] + excess
        p["core"] = round2(per_patient(74, 79) * p["funded"])  # £74-79 per funded patient
    others = [p for p in pms if "funded" not in p]
    # Two PMS practices already below £85.53 (unchanged), three a little above
    # it (losses the £6 of premium services can earn back), the rest dear.
    cheap, middling, dear = others[:2], others[2:5], others[5:]
    for p in cheap:
        p["core"] = round2(per_patient(80, 85) * p["used"])
    for p in middling:
        p["core"] = round2(per_patient(86.5, 91) * p["used"])
    for p in dear:
        p["rough"] = per_patient(100, 140)
    # The dear PMS cores make the PMS total exactly 102.43 x list used.
    need = PMS_AVERAGE * sum(p["used"] for p in pms) - sum(p["core"] for p in over + cheap + middling)
    rough = sum(p["rough"] * p["used"] for p in dear)
    for p in dear:
        p["core"] = round2(p["rough"] * p["used"] * need / rough)
    dear[0]["core"] += need - sum(p["core"] for p in dear)

    for p in gms:
        p["rough"] = per_patient(58, 84)
    scale_to(gms, GMS_AVERAGE)
    gms[7]["funded"] = gms[7]["used"] + 400  # ignored: GMS is not re-based

    for i, p in enumerate(ps):
        lst = Decimal(p["exeter"])
        p["weighted"] = (lst * Decimal(str(round(rng.uniform(0.82, 1.06), 4)))).quantize(Decimal("0.01"))
        p["qof"] = round2(lst * per_patient(17, 27))
        p["des"] = round2(lst * per_patient(3, 8))
        p["nes"] = round2(lst * per_patient(0, 2)) if rng.random() < 0.6 else Decimal(0)
        p["les"] = round2(lst * per_patient(2, 10))
        p["other"] = round2(lst * per_patient(8, 25))
        if p["contract"] == "PMS":
            p["gs"], p["mpig"], p["baseline"] = Decimal(0), Decimal(0), p["core"]
            p["super"] = round2(lst * per_patient(3.5, 6))
        else:
            share = per_patient(0.05, 0.18) if rng.random() < 0.45 else Decimal(0)
            p["mpig"] = round2(p["core"] * share)
            p["gs"], p["baseline"], p["super"] = p["core"] - p["mpig"], Decimal(0), None
    for p in (pms[1], pms[6], pms[11], pms[15]):
        p["mpig_eq"] = round2(per_patient(20000, 60000))
    return ps


HEADER = ["practice_code", "practice_name", "contract", "group", "list_exeter",
          "list_practice", "ghosts", "list_funded", "weighted_list", "global_sum", "mpig",
          "pms_baseline", "qof", "des", "nes", "les", "other", "mpig_equivalent",
          "superannuation"]

SCENARIO = '''\
# Kensington & Chelsea PMS re-basing (seed 004; DOMAIN.md section 5).
name = "Kensington & Chelsea PMS re-basing"
contracts = ["PMS"]
by = "all"

[list]
threshold = "2%"      # Exeter unless the practice count differs by more than 2%
change = "both"       # strip over-funded list growth against list_funded

[price]
method = "fixed"
value = "85.53"       # every PMS practice re-based to £85.53 per patient

[taper]
schedule = ["50%", "100%"]   # losses tapered over two years
gains = "immediate"

[[premium]]
name = "data-reviews"
price = "2.00"

[[premium]]
name = "patient-facing"
price = "4.00"

[gms]
global_sum_price = "2018/19"   # £88.96 per weighted patient less 4.87% OOH

[goal]
saving = "500000"
year = 2
basis = "gross"

[superannuation]
shift = true          # employer superannuation moved into PMS contracts
'''


def write(ps):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "practices.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(",".join(HEADER) + "\n")
        for p in ps:
            cells = [p["code"], p["name"], p["contract"], "5LA", str(p["exeter"]),
                     str(p["practice"]), "" if p["ghosts"] is None else str(p["ghosts"]),
                     str(p.get("funded", "")), format(p["weighted"], "f"),
                     money(p["gs"]), money(p["mpig"]), money(p["baseline"]), money(p["qof"]),
                     money(p["des"]), money(p["nes"]), money(p["les"]), money(p["other"]),
                     money(p["mpig_eq"]) if "mpig_eq" in p else "",
                     "" if p["super"] is None else money(p["super"])]
            f.write(",".join(f'"{c}"' if "," in c or '"' in c else c for c in cells) + "\n")
    with open(os.path.join(OUT, "scenario.toml"), "w", encoding="utf-8", newline="") as f:
        f.write(SCENARIO)


def report():
    """Check the seed's figures with the oracle and print them."""
    s, ps, targets, scopes = oracle.run(os.path.join(OUT, "practices.csv"),
                                        os.path.join(OUT, "scenario.toml"))
    pms = [p for p in ps if p["contract"] == "PMS"]
    gms = [p for p in ps if p["contract"] == "GMS"]
    pms_avg = sum(p["core_now"] for p in pms) / sum(p["list_used"] for p in pms)
    gms_avg = sum(p["core_now"] for p in gms) / sum(p["list_used"] for p in gms)
    share = sum(p["list_exeter"] for p in pms) / sum(p["list_exeter"] for p in ps)
    share_used = sum(p["list_used"] for p in pms) / sum(p["list_used"] for p in ps)
    moved = [p for p in ps if p["list_effect"] != 0]
    regs = sum(p["list_funded"] - p["list_used"] for p in moved)
    pounds = sum(p["list_effect"] for p in moved)
    sav = {(sc, m): v for sc, m, v in oracle.savings(ps, s, targets, scopes)}
    print(f"practices: {len(ps)} ({len(pms)} PMS, {len(gms)} GMS)")
    print(f"PMS average before: {pms_avg} per patient (list used)")
    print(f"GMS average before: {gms_avg} per patient (list used)")
    print(f"PMS share of registered population: {share * 100:.2f}% (Exeter), "
          f"{share_used * 100:.2f}% (list used)")
    print(f"list effect: {regs} registrations on {len(moved)} practices, £{round2(pounds)}")
    for k in (1, 2):
        print(f"year {k}: saving £{sav[('all', f'year_{k}_saving')]}, premium "
              f"£{sav[('all', f'year_{k}_premium')]}, net £{sav[('all', f'year_{k}_net_saving')]}")
    flags = {}
    for p in ps:
        for f in filter(None, p["flags"].split(";")):
            flags[f] = flags.get(f, 0) + 1
    print(f"flags: {flags}")
    assert pms_avg == PMS_AVERAGE and gms_avg == GMS_AVERAGE
    assert len(pms) == 19 and regs == 6500 and 0.53 < share < 0.55
    assert Decimal(-520000) < pounds < Decimal(-480000)


if __name__ == "__main__":
    if "--check" not in sys.argv:
        write(build())
    report()
