#!/usr/bin/env python3
"""The peer: the benchmark scenario as an analyst would write it in pandas.

    python3 benches/peer/rebase_peer.py INPUT.csv OUTPUT.csv

INPUT is a canonical practice file (SPEC §2) or NHS Digital's payments
file; OUTPUT is the per-practice CSV with `rebase run -f csv`'s columns.
The scenario is fixed, `benches/scenario.toml`: PMS practices re-based to
£85.53 a patient, the practice's own list used when it differs from Exeter
by more than 2%, list change against `list_funded` both ways, losses tapered
50%/100% (gains at once), and the £2 and £4 premium services for every
re-based practice.

It is written the way a careful analyst writes it: vectorised pandas and
floats, `round(2)` at the same points as SPEC §1, no loops over rows. It is
not exact money: floats and numpy's half-to-even rounding can move a penny,
which `scripts/bench.sh` measures when it compares the two outputs.
"""

import sys

import numpy as np
import pandas as pd

TARGET = 85.53
THRESHOLD = 0.02
SCHEDULE = [0.5, 1.0]
PREMIUMS = [2.00, 4.00]
TOTAL = "Total NHS Payments to General Practice"


def load(path):
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="latin-1")
    raw.columns = [c.strip() for c in raw.columns]
    if TOTAL in raw.columns:
        return from_payments(raw)
    df = raw.rename(columns=lambda c: c.strip().lower().replace(" ", "_"))
    for col in ["practice_name", "group", "list_practice", "ghosts", "list_funded",
                "global_sum", "mpig", "pms_baseline", "qof", "des", "nes", "les",
                "other", "close_date"]:
        if col not in df.columns:
            df[col] = ""
    return df


def from_payments(raw):
    """NHS Digital's file mapped as SPEC §2 maps it (the 2018/19 layout)."""
    cols = list(raw.columns)
    qof = cols.index("Total QOF Payments")
    les = cols.index("Total Local Incentive Schemes")
    des_cols = cols[qof + 1:les]
    num = lambda c: pd.to_numeric(raw[c].str.replace(",", ""), errors="coerce").fillna(0.0)
    df = pd.DataFrame({
        "practice_code": raw["Practice Code"].str.strip(),
        "practice_name": raw["Practice Name"].str.strip(),
        "contract": raw["Contract Type"].str.strip(),
        "group": raw["CCG Code"].str.strip(),
        "list_exeter": raw["Average Number of Registered Patients"].str.strip(),
        "list_practice": "",
        "ghosts": "",
        "list_funded": "",
        "global_sum": num("Global Sum"),
        "mpig": num("MPIG Correction factor"),
        "pms_baseline": num("Balance of PMS Expenditure"),
        "qof": num("Total QOF Payments"),
        "des": sum(num(c) for c in des_cols),
        "nes": 0.0,
        "les": num("Total Local Incentive Schemes"),
        "close_date": raw["Practice Close Date"].str.strip().replace("-", ""),
    })
    lines = df[["global_sum", "mpig", "pms_baseline", "qof", "des", "les"]].sum(axis=1)
    df["other"] = (num(TOTAL) - lines).round(2)
    return df[df["contract"].str.upper().isin(["GMS", "PMS", "APMS"])].reset_index(drop=True)


def money(s):
    return pd.to_numeric(s, errors="coerce").fillna(0.0)


def rebase(df):
    exeter = pd.to_numeric(df["list_exeter"])
    practice = pd.to_numeric(df["list_practice"], errors="coerce")
    ghosts = pd.to_numeric(df["ghosts"], errors="coerce").fillna(0.0)
    funded = pd.to_numeric(df["list_funded"], errors="coerce").replace(0, np.nan)
    for col in ["global_sum", "mpig", "pms_baseline", "qof", "des", "nes", "les", "other"]:
        df[col] = money(df[col])

    gap = (practice - exeter).abs() / exeter.replace(0, np.nan)
    reconcile = practice.notna() & ((gap > THRESHOLD) | ((exeter == 0) & (practice != 0)))
    used = np.where(reconcile, practice, exeter) - ghosts
    core_now = (df["global_sum"] + df["mpig"] + df["pms_baseline"]).round(2)
    closed = df["close_date"].fillna("").str.strip() != ""
    excluded = (used == 0) | (core_now <= 0) | closed
    rebased = (df["contract"].str.upper() == "PMS") & ~excluded
    # SPEC 9.2: price now below a quarter or above four times the median of
    # the practice's contract type (one scope: by = "all").
    price_now = core_now / np.where(used == 0, np.nan, used)
    contract = df["contract"].str.upper()
    median = price_now.where(~excluded).groupby(contract).transform("median")
    outlier = ~excluded & ((price_now * 4 < median) | (price_now > median * 4))

    corrected = core_now.copy()
    correct = rebased & funded.notna() & (funded != used)
    corrected[correct] = (core_now * used / funded)[correct].round(2)
    safe_used = np.where(used == 0, np.nan, used)
    price = corrected / safe_used
    core_rebased = corrected.copy()
    capped = rebased & (price > TARGET)
    core_rebased[capped] = (TARGET * used)[capped].round(2)

    out = pd.DataFrame({
        "practice_code": df["practice_code"],
        "practice_name": df["practice_name"],
        "contract": df["contract"].str.upper(),
        "group": df["group"],
        "list_exeter": df["list_exeter"],
        "list_practice": df["list_practice"],
        "list_used": used,
        "list_source": np.where(reconcile, "practice", "exeter"),
        "core_now": core_now,
        "price_now": (core_now / safe_used).round(2),
        "list_effect": np.where(rebased, corrected - core_now, 0.0),
        "price_effect": np.where(rebased, core_rebased - corrected, 0.0),
        "core_rebased": core_rebased,
        "price_rebased": (core_rebased / safe_used).round(2),
    })
    change = core_rebased - core_now
    out["change"] = change
    out["change_pct"] = (change / core_now.replace(0, np.nan) * 100).round(2)
    for k, share in enumerate(SCHEDULE, start=1):
        tapered = core_now + (change * share).round(2)
        out[f"year_{k}"] = np.where(change > 0, core_rebased, tapered)
    premium_all = sum((used * p).round(2) for p in PREMIUMS)
    premium = np.where(rebased, premium_all, 0.0)
    last = out[f"year_{len(SCHEDULE)}"]
    out["premium"] = premium
    out["superannuation"] = ""
    out["net_change"] = last + premium - core_now
    out["qof"] = df["qof"].round(2)
    out["enhanced"] = (df["des"] + df["nes"] + df["les"]).round(2)
    out["other"] = df["other"].round(2)
    out["income_now"] = core_now + out["qof"] + out["enhanced"] + out["other"]
    out["income_rebased"] = last + premium + out["qof"] + out["enhanced"] + out["other"]
    out["gms_equivalent"] = ""
    out["pms_premium"] = ""
    business_case = rebased & (last - core_now + premium_all < 0)
    flags = pd.Series("", index=df.index)
    for name, mask in [("reconcile", reconcile), ("outlier", outlier),
                       ("business_case", business_case), ("excluded", excluded)]:
        flags = flags.where(~mask, flags + np.where(flags == "", "", ";") + name)
    out["flags"] = flags
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    out = rebase(load(sys.argv[1]))
    out.to_csv(sys.argv[2], index=False, float_format="%.2f", lineterminator="\n")


if __name__ == "__main__":
    main()
