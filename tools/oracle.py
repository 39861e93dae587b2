#!/usr/bin/env python3
"""Independent reference implementation of `rebase run -f csv` (SPEC.md).

Written from SPEC.md (sections 1-5 and 7) and the team's recorded decisions,
not from the Rust code, so that the two can check each other.  Standard
library only.  It covers:

  * SPEC 2  the canonical practice file (not the NHS payments format);
  * SPEC 3  the scenario TOML (no command-line overrides);
  * SPEC 4  all ten calculation steps;
  * SPEC 5  the per-practice CSV, columns in the listed order;
  * SPEC 7  the decisions on details.

Usage:
    python3 tools/oracle.py practices.csv scenario.toml > out.csv
    python3 tools/oracle.py practices.csv scenario.toml --savings

`--savings` prints `scope,measure,value` lines instead of the practice CSV
(the goal, when one is set, is reported on standard error).

Exit codes follow SPEC 6: 2 for a bad scenario, 65 for a data error,
66 for a file that cannot be opened.
"""

import argparse
import csv
import io
import re
import sys
import tomllib
from decimal import ROUND_HALF_UP, Decimal, getcontext

getcontext().prec = 50  # full precision for unrounded prices (SPEC 4 step 4/5)

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
PENNY = Decimal("0.01")


class DataError(Exception):
    """SPEC 6: exit 65."""


class ScenarioError(Exception):
    """SPEC 6: exit 2 (usage error / bad scenario)."""


# --------------------------------------------------------------------------
# SPEC 1: money.  Half away from zero to the penny (decimal's ROUND_HALF_UP
# rounds ties away from zero for negatives too: -0.125 -> -0.13).
# --------------------------------------------------------------------------

def round2(x):
    r = x.quantize(PENNY, rounding=ROUND_HALF_UP)
    return Decimal("0.00") if r == 0 else r  # never write "-0.00"


def money_str(x):
    return "" if x is None else format(round2(x), "f")


def list_str(x):
    # SPEC 7 "Lists are written at the scale they were given".
    return "" if x is None else format(x, "f")


NUMBER_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def parse_number(text):
    """SPEC 1 inputs: `1234.5`, `1,234.50`, `£1,234.50`, ` 12 `, `-12.00`,
    `(12.00)`.  Returns None for a blank cell; raises ValueError."""
    s = text.strip().replace("£", "").replace(",", "").replace(" ", "")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    if s == "" and not negative:
        return None
    if not NUMBER_RE.fullmatch(s):
        raise ValueError(text)
    d = Decimal(s)
    return -d if negative else d


def parse_percent(value, key):
    """SPEC 1/7: `2%` or a bare fraction up to 1; a bare number above 1 is
    ambiguous and rejected."""
    if isinstance(value, bool) or isinstance(value, float):
        raise ScenarioError(f"{key}: write percentages as strings such as \"2%\"")
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        raise ScenarioError(f"{key}: expected a percentage such as \"2%\"")
    s = value.strip()
    try:
        if s.endswith("%"):
            d = parse_number(s[:-1])
            if d is None:
                raise ValueError(s)
            return d / HUNDRED
        d = parse_number(s)
        if d is None:
            raise ValueError(s)
    except ValueError:
        raise ScenarioError(f"{key}: {value!r} is not a percentage") from None
    if d > 1:
        raise ScenarioError(f"{key}: {value!r} is ambiguous; write {value}%")
    return d


def parse_amount(value, key):
    """SPEC 3: amounts are strings or integers; a TOML float is rejected."""
    if isinstance(value, bool) or isinstance(value, float):
        raise ScenarioError(f"{key}: write amounts as strings such as \"85.53\"")
    if isinstance(value, int):
        return Decimal(value)
    if not isinstance(value, str):
        raise ScenarioError(f"{key}: expected an amount")
    try:
        d = parse_number(value)
    except ValueError:
        d = None
    if d is None:
        raise ScenarioError(f"{key}: {value!r} is not an amount")
    return d


def parse_price(value, key):
    """SPEC 7 "Prices": every price used is rounded to the penny first."""
    d = parse_amount(value, key)
    if d < 0:
        raise ScenarioError(f"{key}: a price cannot be negative")
    return round2(d)


# --------------------------------------------------------------------------
# SPEC 2: the practice file.
# --------------------------------------------------------------------------

def norm_header(name):
    # Decision: match case-insensitively ignoring everything not a letter/digit.
    return "".join(c for c in name.lower() if c.isascii() and c.isalnum())


TEXT_COLS = ["practice_code", "practice_name", "contract", "group", "premium", "close_date"]
LIST_COLS = ["list_exeter", "list_practice", "ghosts", "list_funded", "weighted_list"]
MONEY_COLS = ["global_sum", "mpig", "pms_baseline", "qof", "des", "nes", "les", "other",
              "mpig_equivalent", "superannuation"]
REQUIRED = ["practice_code", "contract", "list_exeter"]
CONTRACTS = ("GMS", "PMS", "APMS")


def read_text(path):
    """UTF-8 (with or without BOM), else Windows-1252 / ISO-8859-1."""
    try:
        raw = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()
    except OSError as e:
        print(f"error: cannot open {path}: {e.strerror}", file=sys.stderr)
        sys.exit(66)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            return raw.decode("latin-1")


def read_practices(path):
    rows = list(csv.reader(io.StringIO(read_text(path), newline="")))
    if not rows:
        raise DataError(f"{path}: the file is empty")
    wanted = {norm_header(c): c for c in TEXT_COLS + LIST_COLS + MONEY_COLS}
    index = {}
    for i, h in enumerate(rows[0]):
        col = wanted.get(norm_header(h))
        if col is not None and col not in index:  # unknown columns are ignored
            index[col] = i
    for col in REQUIRED:
        if col not in index:
            raise DataError(f"{path}: the required column {col} is missing")

    practices, seen = [], set()
    for line_no, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank line

        def cell(col):
            i = index.get(col)
            return row[i] if i is not None and i < len(row) else ""

        def number(col):
            try:
                return parse_number(cell(col))
            except ValueError:
                raise DataError(f"{path} line {line_no}, column {col}: "
                                f"{cell(col)!r} is not a number") from None

        p = {"line": line_no}
        p["code"] = cell("practice_code").strip(" ")
        p["name"] = cell("practice_name").strip(" ")
        p["group"] = cell("group").strip(" ")
        contract = cell("contract").strip().upper()
        if contract not in CONTRACTS:
            raise DataError(f"{path} line {line_no}, column contract: "
                            f"{cell('contract')!r} is not GMS, PMS or APMS")
        p["contract"] = contract
        if p["code"] == "":
            raise DataError(f"{path} line {line_no}: the practice code is blank")
        if p["code"] in seen:
            raise DataError(f"{path} line {line_no}: practice {p['code']} appears twice")
        seen.add(p["code"])

        for col in LIST_COLS:
            p[col] = number(col)
            if p[col] is not None and p[col] < 0:
                raise DataError(f"{path} line {line_no}, column {col}: a list cannot be negative")
        if p["list_exeter"] is None:
            raise DataError(f"{path} line {line_no}, column list_exeter: the list is blank")
        if p["list_funded"] == 0:
            p["list_funded"] = None  # SPEC 7: blank or 0 means not given
        for col in MONEY_COLS:
            v = number(col)
            p[col] = ZERO if v is None else v  # blank money = zero
        p["premium_cell"] = cell("premium") if "premium" in index else None
        closed = cell("close_date").strip()
        p["closed"] = closed not in ("", "-")
        practices.append(p)
    if not practices:
        raise DataError(f"{path}: the file has a header but no practices")
    return practices, ("premium" in index)


# --------------------------------------------------------------------------
# SPEC 3: the scenario.
# --------------------------------------------------------------------------

# DOMAIN.md section 1 (final published price per weighted patient, OOH %).
GMS_YEARS = {
    "2017/18": ("85.35", "0.0492"),  # forshaws.org.uk 2018/19 update
    "2018/19": ("88.96", "0.0487"),  # after DDRB award; BMA FAQ
}

SCHEMA = {
    "name": None, "contracts": None, "by": None,
    "list": {"threshold", "change"},
    "price": {"method", "value", "floor", "level_up", "bands"},
    "taper": {"schedule", "gains"},
    "premium": {"name", "price"},
    "gms": {"global_sum_price", "ooh_deduction"},
    "goal": {"saving", "year", "basis"},
    "superannuation": {"shift"},
}


def check_keys(table, allowed, prefix):
    for k in table:
        if k not in allowed:
            raise ScenarioError(f"{prefix}{k}: unknown key")


def load_scenario(path):
    try:
        with open(path, "rb") as f:
            doc = tomllib.load(f)
    except OSError as e:
        print(f"error: cannot open {path}: {e.strerror}", file=sys.stderr)
        sys.exit(66)
    except tomllib.TOMLDecodeError as e:
        raise ScenarioError(f"{path}: {e}") from None
    check_keys(doc, SCHEMA, "")
    for k, keys in SCHEMA.items():
        if keys is not None and k in doc:
            tables = doc[k] if k == "premium" else [doc[k]]
            if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
                raise ScenarioError(f"{k}: expected {'[[premium]] tables' if k == 'premium' else 'a table'}")
            for t in tables:
                check_keys(t, keys, f"{k}.")

    s = {}
    s["name"] = doc.get("name", path.rsplit("/", 1)[-1].rsplit(".", 1)[0])
    s["contracts"] = {c.strip().upper() for c in doc.get("contracts", ["PMS"])}
    if not s["contracts"] <= set(CONTRACTS):
        raise ScenarioError("contracts: use GMS, PMS and APMS")
    s["by"] = doc.get("by", "all")
    if s["by"] not in ("all", "group"):
        raise ScenarioError("by: use \"all\" or \"group\"")

    lst = doc.get("list", {})
    s["threshold"] = parse_percent(lst.get("threshold", "2%"), "list.threshold")
    s["change"] = lst.get("change", "both")
    if s["change"] not in ("both", "down", "off"):
        raise ScenarioError("list.change: use both, down or off")

    price = doc.get("price", {})
    s["method"] = price.get("method", "average")
    if s["method"] not in ("average", "mean", "median", "gms-average", "fixed", "banding"):
        raise ScenarioError(f"price.method: unknown method {s['method']!r}")
    s["value"] = parse_price(price["value"], "price.value") if "value" in price else None
    if s["method"] == "fixed" and s["value"] is None:
        raise ScenarioError("price.value: the fixed method needs a value")
    s["floor"] = parse_price(price["floor"], "price.floor") if "floor" in price else None
    s["level_up"] = bool(price.get("level_up", False))
    s["bands"] = []
    for i, b in enumerate(price.get("bands", [])):
        key = f"price.bands[{i}]"
        check_keys(b, {"from", "to", "price"}, key + ".")
        s["bands"].append((parse_price(b["from"], key + ".from"),
                           parse_price(b["to"], key + ".to") if "to" in b else None,
                           parse_price(b["price"], key + ".price")))
    if s["method"] == "banding":
        if not s["bands"]:
            raise ScenarioError("price.bands: banding needs bands")
        for (f1, t1, _), (f2, _, _) in zip(s["bands"], s["bands"][1:]):
            if t1 is None or t1 != f2:
                raise ScenarioError("price.bands: bands overlap or leave a gap")
        for f, t, _ in s["bands"]:
            if t is not None and t <= f:
                raise ScenarioError("price.bands: a band ends before it starts")

    taper = doc.get("taper", {})
    s["schedule"] = [parse_percent(x, "taper.schedule")
                     for x in taper.get("schedule", ["50%", "100%"])]
    sched = s["schedule"]
    if not sched or sched[-1] != 1 or any(b < a for a, b in zip(sched, sched[1:])) \
            or any(x < 0 for x in sched):
        raise ScenarioError("taper.schedule: must not decrease and must end at 100%")
    s["gains"] = taper.get("gains", "immediate")
    if s["gains"] not in ("immediate", "tapered"):
        raise ScenarioError("taper.gains: use immediate or tapered")

    s["premium"] = []
    for i, svc in enumerate(doc.get("premium", [])):
        s["premium"].append((svc["name"].strip(),
                             parse_price(svc["price"], f"premium[{i}].price")))
    names = [n.lower() for n, _ in s["premium"]]
    if len(set(names)) != len(names):
        raise ScenarioError("premium.name: a service is named twice")

    gms = doc.get("gms", {})
    s["gs_price"], s["ooh"] = None, ZERO
    if "global_sum_price" in gms:
        v = gms["global_sum_price"]
        if isinstance(v, str) and re.fullmatch(r"\d{4}/\d{2}", v.strip()):
            if v.strip() not in GMS_YEARS:
                raise ScenarioError(f"gms.global_sum_price: no price known for {v}")
            gp, ooh = GMS_YEARS[v.strip()]
            s["gs_price"], s["ooh"] = Decimal(gp), Decimal(ooh)
        else:
            s["gs_price"] = parse_price(v, "gms.global_sum_price")
    if "ooh_deduction" in gms:  # an explicit deduction overrides the year's
        s["ooh"] = parse_percent(gms["ooh_deduction"], "gms.ooh_deduction")

    goal = doc.get("goal")
    s["goal"] = None
    if goal is not None:
        year = goal.get("year", len(sched))
        if not isinstance(year, int) or not 1 <= year <= len(sched):
            raise ScenarioError("goal.year: not a year of the taper")
        basis = goal.get("basis", "gross")
        if basis not in ("gross", "net"):
            raise ScenarioError("goal.basis: use gross or net")
        s["goal"] = (parse_amount(goal["saving"], "goal.saving"), year, basis)

    s["super_shift"] = bool(doc.get("superannuation", {}).get("shift", False))
    return s


# --------------------------------------------------------------------------
# SPEC 4: the calculation.
# --------------------------------------------------------------------------

def scope_of(p, s):
    # Scope = "all", or the practice's group (a blank group is its own scope).
    return p["group"] if s["by"] == "group" else None


def take_up(p, s, has_premium_col):
    """SPEC 7 "Premium services": which services a practice takes."""
    menu = {n.lower(): (n, price) for n, price in s["premium"]}
    if not has_premium_col:
        return list(menu.values()) if p["rebased"] else []
    wanted = set()
    for part in p["premium_cell"].split(";"):
        name = part.strip().lower()
        if name == "":
            continue
        if name == "all":
            wanted |= set(menu)
        elif name in menu:
            wanted.add(name)
        else:
            raise DataError(f"line {p['line']}, column premium: practice {p['code']} "
                            f"takes {part.strip()!r}, which is not a premium service")
    if p["excluded"]:
        return []
    return [menu[n] for n in menu if n in wanted]  # menu order


def calculate(practices, s, has_premium_col):
    # Step 1: list used, for every practice (SPEC 7 "Lists").
    for p in practices:
        ex, pr = p["list_exeter"], p["list_practice"]
        use_practice = False
        if pr is not None:
            if ex == 0:
                use_practice = pr > 0
            else:
                use_practice = abs(pr - ex) / ex > s["threshold"]  # at threshold: Exeter
        base = pr if use_practice else ex
        p["list_source"] = "practice" if use_practice else "exeter"
        p["reconcile"] = use_practice
        ghosts = p["ghosts"] if p["ghosts"] is not None else ZERO
        if ghosts > base:
            raise DataError(f"line {p['line']}, column ghosts: practice {p['code']} has "
                            f"more ghosts ({ghosts}) than patients ({base})")
        p["list_used"] = base - ghosts

    # Step 2: core value now (rounded once, then used as rounded).
    for p in practices:
        p["core_now"] = round2(p["global_sum"] + p["mpig"] + p["pms_baseline"])
        p["price_now"] = round2(p["core_now"] / p["list_used"]) if p["list_used"] != 0 else None
        # SPEC 7 "Not re-based": zero list, core <= 0, or a close date excludes.
        p["excluded"] = p["list_used"] == 0 or p["core_now"] <= 0 or p["closed"]

    # gms-average with no eligible GMS practice in scope excludes the scope's
    # re-based-contract practices (SPEC 7 "Excluded").
    if s["method"] == "gms-average":
        gms_scopes = {scope_of(p, s) for p in practices
                      if p["contract"] == "GMS" and not p["excluded"]}
        for p in practices:
            if p["contract"] in s["contracts"] and scope_of(p, s) not in gms_scopes:
                p["excluded"] = True
    for p in practices:
        p["rebased"] = p["contract"] in s["contracts"] and not p["excluded"]

    # Step 3: list change against list_funded (re-based practices only).
    for p in practices:
        p["corrected"] = p["core_now"]
        f = p["list_funded"]
        if p["rebased"] and f is not None and s["change"] != "off":
            if (s["change"] == "both" and f != p["list_used"]) or \
               (s["change"] == "down" and f > p["list_used"]):
                p["corrected"] = round2(p["core_now"] * p["list_used"] / f)
        p["p"] = p["corrected"] / p["list_used"] if p["rebased"] else None  # unrounded

    # Step 4: target price per scope, rounded to the penny.
    targets = {}
    scopes = []
    for p in practices:
        if scope_of(p, s) not in scopes:
            scopes.append(scope_of(p, s))
    for sc in scopes:
        reb = [p for p in practices if p["rebased"] and scope_of(p, s) == sc]
        if not reb or s["method"] == "banding":
            continue  # no re-based practice, no target
        m = s["method"]
        if m == "average":
            t = sum(p["corrected"] for p in reb) / sum(p["list_used"] for p in reb)
        elif m == "mean":
            t = sum(p["p"] for p in reb) / len(reb)
        elif m == "median":
            ps = sorted(p["p"] for p in reb)
            n = len(ps)
            t = ps[n // 2] if n % 2 else (ps[n // 2 - 1] + ps[n // 2]) / 2
        elif m == "gms-average":
            g = [p for p in practices if p["contract"] == "GMS" and not p["excluded"]
                 and scope_of(p, s) == sc]
            t = sum(p["core_now"] for p in g) / sum(p["list_used"] for p in g)
        else:  # fixed
            t = s["value"]
        targets[sc] = round2(t)

    # Step 5: re-based core.
    F = s["floor"]
    for p in practices:
        if not p["rebased"]:
            p["core_rebased"] = p["core_now"]
            continue
        pp = p["p"]
        if s["method"] == "banding":
            band = [b for b in s["bands"] if b[0] <= pp and (b[1] is None or pp < b[1])]
            if not band:
                raise DataError(f"practice {p['code']}: its price {round2(pp)} "
                                f"falls in no band")
            after = band[0][2]
        else:
            T = targets[scope_of(p, s)]
            after = T if s["level_up"] else min(pp, T)
        if F is not None:
            after = max(F, after)
        # Decision: a practice left at its own price keeps its corrected core.
        p["core_rebased"] = p["corrected"] if after == pp else round2(after * p["list_used"])

    for p in practices:
        if p["rebased"]:
            p["list_effect"] = p["corrected"] - p["core_now"]
            p["price_effect"] = p["core_rebased"] - p["corrected"]
            p["change"] = p["core_rebased"] - p["core_now"]
        else:
            p["list_effect"] = p["price_effect"] = p["change"] = ZERO
        p["change_pct"] = (round2(p["change"] / p["core_now"] * HUNDRED)
                           if p["core_now"] != 0 else None)
        p["price_rebased"] = (round2(p["core_rebased"] / p["list_used"])
                              if p["list_used"] != 0 else None)

        # Step 6: taper (gains in full in year 1 unless gains = "tapered").
        if not p["rebased"]:
            p["years"] = [p["core_now"]] * len(s["schedule"])
        elif p["change"] > 0 and s["gains"] == "immediate":
            p["years"] = [p["core_rebased"]] * len(s["schedule"])
        else:
            p["years"] = [p["core_now"] + round2(p["change"] * sk) for sk in s["schedule"]]

        # Step 7: premium services, on access basis (the whole list used).
        p["premium"] = sum((round2(price * p["list_used"])
                            for _, price in take_up(p, s, has_premium_col)), ZERO)

        # Step 8: net change (last year) and business case (every service taken).
        last = p["years"][-1]
        p["net_change"] = last + p["premium"] - p["core_now"]
        menu_all = sum((round2(price * p["list_used"]) for _, price in s["premium"]), ZERO)
        p["business_case"] = p["rebased"] and (last - p["core_now"]) + menu_all < 0

        # Step 9: GMS equivalent and return to GMS.
        p["gms_equivalent"] = p["pms_premium"] = None
        p["better_under_gms"] = False
        if s["gs_price"] is not None and p["weighted_list"] is not None:
            p["gms_equivalent"] = round2(p["weighted_list"] * s["gs_price"] * (ONE - s["ooh"]))
            if p["contract"] in ("PMS", "APMS"):
                p["pms_premium"] = p["core_now"] - p["gms_equivalent"]
            p["better_under_gms"] = p["rebased"] and \
                p["gms_equivalent"] + round2(p["mpig_equivalent"]) > p["core_rebased"]

        # Step 10: superannuation shift (kept out of years and savings).
        p["super"] = round2(p["superannuation"]) if s["super_shift"] else None

        # SPEC 5 income columns, sums of rounded figures.
        p["qof_r"], p["other_r"] = round2(p["qof"]), round2(p["other"])
        p["enhanced"] = round2(p["des"] + p["nes"] + p["les"])
        p["income_now"] = p["core_now"] + p["qof_r"] + p["enhanced"] + p["other_r"]
        p["income_rebased"] = (last + p["premium"] + (p["super"] or ZERO)
                               + p["qof_r"] + p["enhanced"] + p["other_r"])
        p["flags"] = ";".join(f for f, on in (
            ("reconcile", p["reconcile"]), ("business_case", p["business_case"]),
            ("better_under_gms", p["better_under_gms"]), ("excluded", p["excluded"])) if on)
    return targets, scopes


# --------------------------------------------------------------------------
# SPEC 5: outputs.
# --------------------------------------------------------------------------

def neutralise(text):
    # SPEC 5/7: a text cell a spreadsheet could run is prefixed with `'`.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r", "\n") else text


def columns(s):
    years = [f"year_{k}" for k in range(1, len(s["schedule"]) + 1)]
    return (["practice_code", "practice_name", "contract", "group", "list_exeter",
             "list_practice", "list_used", "list_source", "core_now", "price_now",
             "list_effect", "price_effect", "core_rebased", "price_rebased", "change",
             "change_pct"] + years +
            ["premium", "superannuation", "net_change", "qof", "enhanced", "other",
             "income_now", "income_rebased", "gms_equivalent", "pms_premium", "flags"])


def practice_row(p):
    m = money_str
    return ([neutralise(p["code"]), neutralise(p["name"]), neutralise(p["contract"]),
             neutralise(p["group"]), list_str(p["list_exeter"]), list_str(p["list_practice"]),
             list_str(p["list_used"]), p["list_source"], m(p["core_now"]), m(p["price_now"]),
             m(p["list_effect"]), m(p["price_effect"]), m(p["core_rebased"]),
             m(p["price_rebased"]), m(p["change"]), m(p["change_pct"])] +
            [m(y) for y in p["years"]] +
            [m(p["premium"]), m(p["super"]), m(p["net_change"]), m(p["qof_r"]),
             m(p["enhanced"]), m(p["other_r"]), m(p["income_now"]), m(p["income_rebased"]),
             m(p["gms_equivalent"]), m(p["pms_premium"]), neutralise(p["flags"])])


def savings(practices, s, targets, scopes):
    """Savings table (SPEC 5): totals are sums of the rounded per-practice figures."""
    blocks = [("all", practices, targets.get(None) if s["by"] == "all" else None)]
    if s["by"] == "group":
        for sc in scopes:
            blocks.append((sc, [p for p in practices if p["group"] == sc], targets.get(sc)))
    out = []
    for name, ps, target in blocks:
        reb = [p for p in ps if p["rebased"]]
        core_now = sum((p["core_now"] for p in ps), ZERO)
        lines = [("target_price", money_str(target)),
                 ("practices_rebased", len(reb)),
                 ("practices_losing", sum(1 for p in reb if p["change"] < 0)),
                 ("practices_gaining", sum(1 for p in reb if p["change"] > 0)),
                 ("practices_unchanged", sum(1 for p in reb if p["change"] == 0)),
                 ("core_now", money_str(core_now)),
                 ("list_effect", money_str(sum((p["list_effect"] for p in ps), ZERO))),
                 ("price_effect", money_str(sum((p["price_effect"] for p in ps), ZERO))),
                 ("core_rebased", money_str(sum((p["core_rebased"] for p in ps), ZERO)))]
        premium = sum((p["premium"] for p in ps), ZERO)
        for k in range(len(s["schedule"])):
            core_k = sum((p["years"][k] for p in ps), ZERO)
            lines += [(f"year_{k + 1}_core", money_str(core_k)),
                      (f"year_{k + 1}_saving", money_str(core_now - core_k)),
                      (f"year_{k + 1}_premium", money_str(premium)),
                      (f"year_{k + 1}_net_saving", money_str(core_now - core_k - premium))]
        out += [(name, measure, value) for measure, value in lines]
    return out


def goal_report(practices, s):
    if s["goal"] is None:
        return None
    saving, year, basis = s["goal"]
    core_now = sum((p["core_now"] for p in practices), ZERO)
    got = core_now - sum((p["years"][year - 1] for p in practices), ZERO)
    if basis == "net":
        got -= sum((p["premium"] for p in practices), ZERO)
    return saving, year, basis, got, got >= saving


def run(practices_path, scenario_path):
    """Load, calculate; returns (scenario, practices, targets, scopes)."""
    s = load_scenario(scenario_path)
    practices, has_premium_col = read_practices(practices_path)
    targets, scopes = calculate(practices, s, has_premium_col)
    return s, practices, targets, scopes


def main(argv=None):
    ap = argparse.ArgumentParser(description="Reference implementation of rebase run -f csv")
    ap.add_argument("practices")
    ap.add_argument("scenario")
    ap.add_argument("--savings", action="store_true",
                    help="print scope,measure,value lines instead of the practice CSV")
    args = ap.parse_args(argv)
    try:
        s, practices, targets, scopes = run(args.practices, args.scenario)
    except ScenarioError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except DataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 65
    sys.stdout.reconfigure(encoding="utf-8", newline="")
    w = csv.writer(sys.stdout, lineterminator="\n")
    if args.savings:
        w.writerow(["scope", "measure", "value"])
        for row in savings(practices, s, targets, scopes):
            w.writerow(row)
        sys.stdout.flush()
        g = goal_report(practices, s)
        if g is not None:
            saving, year, basis, got, met = g
            print(f"goal: saving {money_str(saving)} in year {year} ({basis}): "
                  f"{money_str(got)}, {'met' if met else 'not met'}", file=sys.stderr)
    else:
        w.writerow(columns(s))
        for p in practices:
            w.writerow(practice_row(p))
    return 0


if __name__ == "__main__":
    sys.exit(main())
