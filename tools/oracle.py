#!/usr/bin/env python3
"""Independent reference implementation of `rebase run -f csv` (SPEC.md).

Written from SPEC.md (sections 1-5 and 7) and the team's recorded decisions,
not from the Rust code, so that the two can check each other.  Standard
library only.  It covers:

  * SPEC 2  the canonical practice file (not the NHS payments format);
  * SPEC 3  the scenario TOML (no command-line overrides);
  * SPEC 4  all ten calculation steps;
  * SPEC 5  the per-practice CSV, columns in the listed order;
  * SPEC 7  the decisions on details;
  * SPEC 8.1-8.4  method gms-equivalent ([price] retain), [years] (data,
          first, uplift, MPIG phase-out), [reinvest], [price] per = "weighted"
          (not 8.5 sweep);
  * SPEC 9.2  the `outlier` flag and [price] outliers = include|exclude.

Choices where SPEC 8 / 9.2 and the team's settled list are silent (for the
lead to compare with the Rust code):

  1. The built-in price table (2014/15-2025/26) also serves
     `[gms] global_sum_price = "YYYY/YY"`, which now accepts every year in it
     and the spellings "2015-16" and "2015/2016" (the second part must be the
     next year). `[years] data` / `first` must be strings; `first = data` is
     allowed.
  2. `[price] retain` and `[reinvest] share` must lie within 0%..100%
     (scenario error otherwise), as taper shares do.
  3. `mpig_equivalent` is rounded to the penny before it is scaled:
     mpig' = round(round(mpig_eq) * 7m(Y_last) / 7m(Y_data)) ("money figures
     are taken as rounded").
  4. per = "weighted": a zero weighted list used (weighted_list 0) excludes
     like a zero list. price_now / price_rebased are blank only when there is
     no usable weighted list (blank, zero, or zero Exeter list); a practice
     excluded for another reason (closed, core <= 0) still shows its price,
     as it does per registered patient.
  5. Outliers: a practice excluded by SPEC 7 or 8.4 is never flagged and is
     not in any median; a practice later excluded by gms-average or by
     gms-equivalent's weighted-list rule is in the median and can be flagged.
     The median is per (contract type, scope); a blank group is its own
     scope. Compared exactly (4 * price < median, price > 4 * median).
  6. u_k = 0 for every excluded practice, whatever the reason (gms-average
     and gms-equivalent exclusions included). Without `uplift`, u_k = 0.
  7. gms-equivalent's weighted-list exclusion applies only to practices of a
     re-based contract type that are not already excluded.
  8. Reinvestment: a reinvest scope's premium_k is every premium its
     practices are paid (the same each year). A pool with no recipient is
     not paid out (reinvested 0) and its rate is blank; with recipients a
     zero pool gives rate 0.00. Rounded amounts may differ from the pool by
     pennies (no balancing).
  9. year_k_reinvest_rate of a savings scope: sum of the pools of the
     reinvest scopes whose recipients lie in it over the sum of those
     scopes' recipients' lists. The "all" savings scope takes every reinvest
     scope; a group savings scope takes its own group (reinvest scope
     "group") or the single all-scope pool and rate (reinvest scope "all").
 10. The weighted-list warning in [reinvest] names only practices otherwise
     eligible (listed contract type, not excluded); weighted_list 0 counts
     as missing.
 11. gms_equivalent (G_n) is still written for excluded practices that have
     a weighted list (SPEC 7 "for every practice with a weighted list").
 12. `value`/`bands` are refused with gms-equivalent only; with the other
     methods the oracle stays as lenient as before.
 13. Warnings go to standard error only (the oracle has no JSON output).

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

# DOMAIN.md section 1 (final published price per weighted patient, OOH %),
# keyed by the first calendar year of the financial year; the team's settled
# table (used by `[gms] global_sum_price = "YYYY/YY"` and by `[years]`).
GMS_YEARS = {
    2014: ("73.56", "0.0546"),
    2015: ("76.51", "0.0539"),
    2016: ("80.59", "0.0515"),
    2017: ("85.35", "0.0492"),  # forshaws.org.uk 2018/19 update
    2018: ("88.96", "0.0487"),  # after DDRB award; BMA FAQ
    2019: ("89.88", "0.0482"),
    2020: ("93.46", "0.0476"),
    2021: ("96.78", "0.0475"),
    2022: ("99.70", "0.0475"),
    2023: ("104.73", "0.0475"),
    2024: ("112.50", "0.0475"),
    2025: ("121.79", "0.0475"),
}

FY_RE = re.compile(r"(\d{4})\s*[/-]\s*(\d{2}|\d{4})")


def fy_name(y):
    return f"{y}/{(y + 1) % 100:02d}"


def parse_fy(value, key):
    """A financial year "2015/16" (also "2015-16", "2015/2016") -> 2015."""
    m = FY_RE.fullmatch(value.strip()) if isinstance(value, str) else None
    if m is None:
        raise ScenarioError(f"{key}: {value!r} is not a financial year such as \"2015/16\"")
    y, second = int(m.group(1)), m.group(2)
    if (len(second) == 2 and int(second) != (y + 1) % 100) or \
            (len(second) == 4 and int(second) != y + 1):
        raise ScenarioError(f"{key}: {value!r} is not a financial year such as \"2015/16\"")
    return y


def mpig_share7(y):
    """SPEC 8.2: 7 * m(Y), the sevenths of MPIG left in financial year Y/Y+1."""
    if y <= 2013:
        return 7
    if y <= 2019:
        return 2020 - y
    return 0


SCHEMA = {
    "name": None, "contracts": None, "by": None,
    "list": {"threshold", "change"},
    "price": {"method", "value", "floor", "level_up", "bands", "retain", "per", "outliers"},
    "taper": {"schedule", "gains"},
    "premium": {"name", "price"},
    "gms": {"global_sum_price", "ooh_deduction"},
    "goal": {"saving", "year", "basis"},
    "superannuation": {"shift"},
    "years": {"data", "first", "uplift"},
    "reinvest": {"share", "scope", "basis", "contracts"},
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
    if s["method"] not in ("average", "mean", "median", "gms-average", "fixed", "banding",
                           "gms-equivalent"):
        raise ScenarioError(f"price.method: unknown method {s['method']!r}")
    if s["method"] == "gms-equivalent":
        for k in ("value", "bands"):
            if k in price:
                raise ScenarioError(f"price.{k}: not allowed with method gms-equivalent")
    if "retain" in price and s["method"] != "gms-equivalent":
        raise ScenarioError("price.retain: only the gms-equivalent method keeps a premium")
    s["retain"] = parse_percent(price.get("retain", "0%"), "price.retain")
    if not 0 <= s["retain"] <= 1:
        raise ScenarioError("price.retain: must lie between 0% and 100%")
    s["per"] = price.get("per", "registered")
    if s["per"] not in ("registered", "weighted"):
        raise ScenarioError("price.per: use \"registered\" or \"weighted\"")
    s["outliers"] = price.get("outliers", "include")
    if s["outliers"] not in ("include", "exclude"):
        raise ScenarioError("price.outliers: use \"include\" or \"exclude\"")
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
        if isinstance(v, str) and FY_RE.fullmatch(v.strip()):
            y = parse_fy(v, "gms.global_sum_price")
            if y not in GMS_YEARS:
                raise ScenarioError(f"gms.global_sum_price: no price known for {v}")
            gp, ooh = GMS_YEARS[y]
            s["gs_price"], s["ooh"] = Decimal(gp), Decimal(ooh)
        else:
            s["gs_price"] = parse_price(v, "gms.global_sum_price")
    if "ooh_deduction" in gms:  # an explicit deduction overrides the year's
        s["ooh"] = parse_percent(gms["ooh_deduction"], "gms.ooh_deduction")

    # SPEC 8.2: [years].  s["gms"] is the GMS price and OOH deduction of each
    # taper year (None without any GMS price); s["uplift"] the cumulative
    # uplift per weighted patient of each taper year.
    n = len(sched)
    s["years_on"] = "years" in doc
    s["uplift"] = [ZERO] * n
    s["mpig7"] = None  # (7 m(Y_last), 7 m(Y_data)) with [years]
    if s["years_on"]:
        yrs = doc["years"]
        if gms:
            raise ScenarioError(f"gms.{next(iter(gms))}: [gms] keys are not allowed with [years], "
                                "which takes each year's built-in price")
        if "data" not in yrs:
            raise ScenarioError("years.data: [years] needs the financial year of the data")
        data = parse_fy(yrs["data"], "years.data")
        first = parse_fy(yrs["first"], "years.first") if "first" in yrs else data + 1
        if first < data:
            raise ScenarioError(f"years.first: {fy_name(first)} is before the data year "
                                f"{fy_name(data)}")
        s["gms"] = []
        for k in range(n):
            y = first + k
            if y not in GMS_YEARS:
                raise ScenarioError(f"years: taper year {k + 1} is {fy_name(y)}, which has no "
                                    "built-in global sum price and OOH deduction")
            gp, ooh = GMS_YEARS[y]
            s["gms"].append((Decimal(gp), Decimal(ooh)))
        if "uplift" in yrs:
            up = yrs["uplift"]
            if not isinstance(up, list) or len(up) != n:
                raise ScenarioError(f"years.uplift: give one amount per taper year ({n})")
            total = ZERO
            for k, u in enumerate(up):
                a = round2(parse_amount(u, f"years.uplift[{k}]"))
                if a < 0:
                    raise ScenarioError(f"years.uplift[{k}]: an uplift cannot be negative")
                total += a
                s["uplift"][k] = total
        s["mpig7"] = (mpig_share7(first + n - 1), mpig_share7(data))
    elif s["gs_price"] is not None:
        s["gms"] = [(s["gs_price"], s["ooh"])] * n
    else:
        s["gms"] = None
    if s["method"] == "gms-equivalent" and s["gms"] is None:
        raise ScenarioError("price.method: gms-equivalent needs a GMS price "
                            "([gms] global_sum_price or [years])")

    # SPEC 8.3: [reinvest].
    s["reinvest"] = None
    if "reinvest" in doc:
        r = doc["reinvest"]
        share = parse_percent(r.get("share", "100%"), "reinvest.share")
        if not 0 <= share <= 1:
            raise ScenarioError("reinvest.share: must lie between 0% and 100%")
        scope = r.get("scope", "group")
        if scope not in ("group", "all"):
            raise ScenarioError("reinvest.scope: use \"group\" or \"all\"")
        basis = r.get("basis", "weighted")
        if basis not in ("weighted", "registered"):
            raise ScenarioError("reinvest.basis: use \"weighted\" or \"registered\"")
        cs = r.get("contracts", list(CONTRACTS))
        if not isinstance(cs, list) or not all(isinstance(c, str) for c in cs):
            raise ScenarioError("reinvest.contracts: a list such as [\"GMS\", \"PMS\"]")
        cs = {c.strip().upper() for c in cs}
        if not cs <= set(CONTRACTS):
            raise ScenarioError("reinvest.contracts: use GMS, PMS and APMS")
        s["reinvest"] = {"share": share, "scope": scope, "basis": basis, "contracts": cs}

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


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def gms_value(p, price_ooh):
    """SPEC 4 step 9 / 8.2: round(weighted_list * P * (1 - ooh)), list as given."""
    P, ooh = price_ooh
    return round2(p["weighted_list"] * P * (ONE - ooh))


def calculate(practices, s, has_premium_col, warnings=None):
    if warnings is None:
        warnings = []
    n = len(s["schedule"])
    weighted = s["per"] == "weighted"

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
        # SPEC 8.4: the list prices are per (L).  Per weighted patient it is the
        # weighted list scaled like the list, unrounded; None when there is none.
        if not weighted:
            p["L"] = p["list_used"]
        elif p["weighted_list"] is None or ex == 0:
            p["L"] = None
        else:
            p["L"] = p["weighted_list"] * p["list_used"] / ex

    # Step 2: core value now (rounded once, then used as rounded).
    for p in practices:
        p["core_now"] = round2(p["global_sum"] + p["mpig"] + p["pms_baseline"])
        L = p["L"]
        p["price_now"] = round2(p["core_now"] / L) if L else None
        # SPEC 7 "Not re-based": zero list, core <= 0, or a close date excludes;
        # SPEC 8.4: per weighted patient, no weighted list / zero Exeter list
        # (a zero weighted list used is a zero list used).
        p["excluded"] = (p["list_used"] == 0 or p["core_now"] <= 0 or p["closed"]
                         or not L)
        if weighted and p["excluded"] and p["list_used"] != 0 and not L:
            warnings.append(f"practice {p['code']} is excluded: prices are per weighted "
                            "patient and it has no weighted list (or a zero Exeter list)")

    # SPEC 9.2: outliers, among the practices not excluded so far, by contract
    # type within the scope; price = core now / L, unrounded.
    groups = {}
    for p in practices:
        p["outlier"] = False
        if not p["excluded"]:
            groups.setdefault((p["contract"], scope_of(p, s)), []).append(p)
    for ps in groups.values():
        med = median([p["core_now"] / p["L"] for p in ps])
        for p in ps:
            price = p["core_now"] / p["L"]
            p["outlier"] = 4 * price < med or price > 4 * med
            if p["outlier"]:
                warnings.append(f"practice {p['code']} is an outlier: price now "
                                f"{round2(price)} against a median of {round2(med)}")

    def counted(ps):
        """SPEC 9.2: outliers = "exclude" leaves outliers out of a target set,
        unless every practice of it is one."""
        if s["outliers"] == "exclude":
            kept = [p for p in ps if not p["outlier"]]
            return kept if kept else ps
        return ps

    # gms-average with no eligible GMS practice in scope excludes the scope's
    # re-based-contract practices (SPEC 7 "Excluded").
    if s["method"] == "gms-average":
        gms_scopes = {scope_of(p, s) for p in practices
                      if p["contract"] == "GMS" and not p["excluded"]}
        for p in practices:
            if p["contract"] in s["contracts"] and scope_of(p, s) not in gms_scopes \
                    and not p["excluded"]:
                p["excluded"] = True
                warnings.append(f"practice {p['code']} is excluded: no GMS practice in its scope")
    # SPEC 8.1: gms-equivalent excludes a practice to be re-based without a
    # weighted list (blank or 0).
    if s["method"] == "gms-equivalent":
        for p in practices:
            if p["contract"] in s["contracts"] and not p["excluded"] and not p["weighted_list"]:
                p["excluded"] = True
                warnings.append(f"practice {p['code']} is excluded: gms-equivalent needs "
                                "a weighted list")
    for p in practices:
        p["rebased"] = p["contract"] in s["contracts"] and not p["excluded"]
        if p["excluded"] and (p["list_used"] == 0 or p["core_now"] <= 0 or p["closed"]):
            warnings.append(f"practice {p['code']} is excluded: zero list, no core value "
                            "or closed")

    # Step 3: list change against list_funded (re-based practices only).
    for p in practices:
        p["corrected"] = p["core_now"]
        f = p["list_funded"]
        if p["rebased"] and f is not None and s["change"] != "off":
            if (s["change"] == "both" and f != p["list_used"]) or \
               (s["change"] == "down" and f > p["list_used"]):
                p["corrected"] = round2(p["core_now"] * p["list_used"] / f)
        p["p"] = p["corrected"] / p["L"] if p["rebased"] else None  # unrounded

    # Step 4: target price per scope, rounded to the penny.
    targets = {}
    scopes = []
    for p in practices:
        if scope_of(p, s) not in scopes:
            scopes.append(scope_of(p, s))
    for sc in scopes:
        reb = [p for p in practices if p["rebased"] and scope_of(p, s) == sc]
        if not reb or s["method"] in ("banding", "gms-equivalent"):
            continue  # no re-based practice, no single target
        m = s["method"]
        if m == "average":
            c = counted(reb)
            t = sum(p["corrected"] for p in c) / sum(p["L"] for p in c)
        elif m == "mean":
            c = counted(reb)
            t = sum(p["p"] for p in c) / len(c)
        elif m == "median":
            t = median([p["p"] for p in counted(reb)])
        elif m == "gms-average":
            g = counted([p for p in practices if p["contract"] == "GMS" and not p["excluded"]
                         and scope_of(p, s) == sc])
            t = sum(p["core_now"] for p in g) / sum(p["L"] for p in g)
        else:  # fixed
            t = s["value"]
        targets[sc] = round2(t)

    # SPEC 8.2: cumulative uplift u_k (0 without a weighted list or when excluded).
    for p in practices:
        if p["excluded"] or p["weighted_list"] is None:
            p["u"] = [ZERO] * n
        else:
            p["u"] = [round2(p["weighted_list"] * U) for U in s["uplift"]]

    # Step 5 (and 8.1): the review's re-based core, per taper year.
    F = s["floor"]
    for p in practices:
        u = p["u"]
        if not p["rebased"]:
            p["rebased_k"] = [p["core_now"] + uk for uk in u]
            continue
        if s["method"] == "gms-equivalent":
            rk = []
            for k in range(n):
                c = p["corrected"] + u[k]
                G = gms_value(p, s["gms"][k])
                K = round2(max(ZERO, c - G) * s["retain"])
                t = G + K
                r = t if s["level_up"] else min(c, t)
                if F is not None:
                    r = max(r, round2(F * p["L"]))
                rk.append(r)
            p["rebased_k"] = rk
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
        review = p["corrected"] if after == pp else round2(after * p["L"])
        p["rebased_k"] = [review + uk for uk in u]

    menu = s["premium"]
    for p in practices:
        u = p["u"]
        p["core_rebased"] = p["rebased_k"][-1]
        if p["rebased"]:
            p["list_effect"] = p["corrected"] - p["core_now"]
            p["price_effect"] = p["core_rebased"] - u[-1] - p["corrected"]
            p["change"] = p["core_rebased"] - (p["core_now"] + u[-1])
        else:
            p["list_effect"] = p["price_effect"] = p["change"] = ZERO
        p["change_pct"] = (round2(p["change"] / p["core_now"] * HUNDRED)
                           if p["core_now"] != 0 else None)
        L = p["L"]
        p["price_rebased"] = round2(p["core_rebased"] / L) if L else None

        # Step 6: taper, year k = core now + u_k + round(change_k * s_k);
        # gains (change_k > 0) in full in year 1 unless gains = "tapered".
        years = []
        for k, sk in enumerate(s["schedule"]):
            without = p["core_now"] + u[k]
            ck = p["rebased_k"][k] - without
            share = ONE if (ck > 0 and s["gains"] == "immediate") else sk
            years.append(without + round2(ck * share))
        p["years"] = years

        # Step 7: premium services, on access basis (the whole list used).
        p["premium"] = sum((round2(price * p["list_used"])
                            for _, price in take_up(p, s, has_premium_col)), ZERO)

        # Step 8: business case (every service taken, before reinvestment).
        menu_all = sum((round2(price * p["list_used"]) for _, price in menu), ZERO)
        p["business_case"] = p["rebased"] and \
            (years[-1] - u[-1] - p["core_now"]) + menu_all < 0

        # Step 9: GMS equivalent and return to GMS (the last taper year's price).
        p["gms_equivalent"] = p["pms_premium"] = None
        p["better_under_gms"] = False
        if s["gms"] is not None and p["weighted_list"] is not None:
            p["gms_equivalent"] = gms_value(p, s["gms"][-1])
            if p["contract"] in ("PMS", "APMS"):
                p["pms_premium"] = p["core_now"] - p["gms_equivalent"]
            mpig_eq = round2(p["mpig_equivalent"])
            if s["mpig7"] is not None:
                last7, data7 = s["mpig7"]
                mpig_eq = ZERO if data7 == 0 else round2(mpig_eq * last7 / data7)
            p["better_under_gms"] = p["rebased"] and \
                p["gms_equivalent"] + mpig_eq > p["core_rebased"]

    # SPEC 8.3: reinvestment, year by year and scope by scope.
    reinvest_scopes = reinvest(practices, s, warnings)

    for p in practices:
        last = p["years"][-1]
        p["net_change"] = last - p["u"][-1] + p["premium"] + p["reinvest"][-1] - p["core_now"]

        # Step 10: superannuation shift (kept out of years and savings).
        p["super"] = round2(p["superannuation"]) if s["super_shift"] else None

        # SPEC 5 income columns, sums of rounded figures.
        p["qof_r"], p["other_r"] = round2(p["qof"]), round2(p["other"])
        p["enhanced"] = round2(p["des"] + p["nes"] + p["les"])
        p["income_now"] = p["core_now"] + p["qof_r"] + p["enhanced"] + p["other_r"]
        p["income_rebased"] = (last + p["premium"] + p["reinvest"][-1] + (p["super"] or ZERO)
                               + p["qof_r"] + p["enhanced"] + p["other_r"])
        p["flags"] = ";".join(f for f, on in (
            ("reconcile", p["reconcile"]), ("outlier", p["outlier"]),
            ("business_case", p["business_case"]),
            ("better_under_gms", p["better_under_gms"]), ("excluded", p["excluded"])) if on)
    return targets, scopes, reinvest_scopes


def reinvest(practices, s, warnings):
    """SPEC 8.3.  Sets p["reinvest"] (one amount per taper year) and returns
    {reinvest scope: ([pool_k], recipients' total list or None)}."""
    n = len(s["schedule"])
    for p in practices:
        p["reinvest"] = [ZERO] * n
    r = s["reinvest"]
    if r is None:
        return {}
    out = {}
    key = (lambda p: p["group"]) if r["scope"] == "group" else (lambda p: None)
    order = []
    for p in practices:
        if key(p) not in order:
            order.append(key(p))
    for sc in order:
        ps = [p for p in practices if key(p) == sc]
        recipients = []
        for p in ps:
            if p["contract"] not in r["contracts"] or p["excluded"]:
                continue
            if r["basis"] == "weighted":
                if not p["weighted_list"]:
                    warnings.append(f"practice {p['code']} receives no reinvestment: "
                                    "it has no weighted list")
                    continue
                recipients.append((p, p["weighted_list"]))
            else:
                recipients.append((p, p["list_used"]))
        total = sum((lst for _, lst in recipients), ZERO)
        pools = []
        for k in range(n):
            saving = sum((p["core_now"] + p["u"][k] - p["years"][k] for p in ps), ZERO)
            premium = sum((p["premium"] for p in ps), ZERO)
            pool = round2(max(ZERO, saving - premium) * r["share"])
            pools.append(pool)
            if total > 0:
                for p, lst in recipients:
                    p["reinvest"][k] = round2(pool * lst / total)
        out[sc] = (pools, total if recipients and total > 0 else None)
    return out


# --------------------------------------------------------------------------
# SPEC 5: outputs.
# --------------------------------------------------------------------------

def neutralise(text):
    # SPEC 5/7: a text cell a spreadsheet could run is prefixed with `'`.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r", "\n") else text


def columns(s):
    years = [f"year_{k}" for k in range(1, len(s["schedule"]) + 1)]
    reinvest = ["reinvestment"] if s["reinvest"] is not None else []
    return (["practice_code", "practice_name", "contract", "group", "list_exeter",
             "list_practice", "list_used", "list_source", "core_now", "price_now",
             "list_effect", "price_effect", "core_rebased", "price_rebased", "change",
             "change_pct"] + years + ["premium"] + reinvest +
            ["superannuation", "net_change", "qof", "enhanced", "other",
             "income_now", "income_rebased", "gms_equivalent", "pms_premium", "flags"])


def practice_row(p, s):
    m = money_str
    reinvest = [m(p["reinvest"][-1])] if s["reinvest"] is not None else []
    return ([neutralise(p["code"]), neutralise(p["name"]), neutralise(p["contract"]),
             neutralise(p["group"]), list_str(p["list_exeter"]), list_str(p["list_practice"]),
             list_str(p["list_used"]), p["list_source"], m(p["core_now"]), m(p["price_now"]),
             m(p["list_effect"]), m(p["price_effect"]), m(p["core_rebased"]),
             m(p["price_rebased"]), m(p["change"]), m(p["change_pct"])] +
            [m(y) for y in p["years"]] + [m(p["premium"])] + reinvest +
            [m(p["super"]), m(p["net_change"]), m(p["qof_r"]),
             m(p["enhanced"]), m(p["other_r"]), m(p["income_now"]), m(p["income_rebased"]),
             m(p["gms_equivalent"]), m(p["pms_premium"]), neutralise(p["flags"])])


def year_figures(ps, k):
    """(without review, core, saving, premium, reinvested) of taper year k+1,
    sums of the rounded per-practice figures."""
    without = sum((p["core_now"] + p["u"][k] for p in ps), ZERO)
    core = sum((p["years"][k] for p in ps), ZERO)
    premium = sum((p["premium"] for p in ps), ZERO)
    reinvested = sum((p["reinvest"][k] for p in ps), ZERO)
    return without, core, without - core, premium, reinvested


def savings(practices, s, targets, scopes, reinvest_scopes):
    """Savings table (SPEC 5): totals are sums of the rounded per-practice figures."""
    blocks = [("all", practices, targets.get(None) if s["by"] == "all" else None, None)]
    if s["by"] == "group":
        for sc in scopes:
            blocks.append((sc, [p for p in practices if p["group"] == sc], targets.get(sc), sc))
    out = []
    for name, ps, target, group in blocks:
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
        if s["method"] == "gms-equivalent":
            # SPEC 8.1: premium withdrawn = sum of max(0, c_n - core_rebased).
            lines.append(("premium_withdrawn", money_str(sum(
                (max(ZERO, p["corrected"] + p["u"][-1] - p["core_rebased"]) for p in reb),
                ZERO))))
        # The reinvest scopes whose recipients lie in this savings scope.
        if group is None:
            rscopes = list(reinvest_scopes)
        elif s["reinvest"] is not None and s["reinvest"]["scope"] == "group":
            rscopes = [group] if group in reinvest_scopes else []
        else:
            rscopes = list(reinvest_scopes)  # scope "all": one pool, one rate for all
        for k in range(len(s["schedule"])):
            without, core_k, saving, premium, reinvested = year_figures(ps, k)
            lines += [(f"year_{k + 1}_core", money_str(core_k)),
                      (f"year_{k + 1}_saving", money_str(saving)),
                      (f"year_{k + 1}_premium", money_str(premium))]
            if s["reinvest"] is not None:
                pools = sum((reinvest_scopes[r][0][k] for r in rscopes), ZERO)
                lists = [reinvest_scopes[r][1] for r in rscopes
                         if reinvest_scopes[r][1] is not None]
                rate = round2(pools / sum(lists)) if lists else None
                lines += [(f"year_{k + 1}_reinvested", money_str(reinvested)),
                          (f"year_{k + 1}_reinvest_rate", money_str(rate))]
            lines.append((f"year_{k + 1}_net_saving",
                          money_str(saving - premium - reinvested)))
            if s["years_on"]:
                lines.append((f"year_{k + 1}_without_review", money_str(without)))
        out += [(name, measure, value) for measure, value in lines]
    return out


def goal_report(practices, s):
    if s["goal"] is None:
        return None
    saving, year, basis = s["goal"]
    _, _, got, premium, reinvested = year_figures(practices, year - 1)
    if basis == "net":
        got -= premium + reinvested
    return saving, year, basis, got, got >= saving


def run(practices_path, scenario_path, warnings=None):
    """Load, calculate; returns (scenario, practices, targets, scopes, reinvest_scopes)."""
    s = load_scenario(scenario_path)
    practices, has_premium_col = read_practices(practices_path)
    targets, scopes, reinvest_scopes = calculate(practices, s, has_premium_col, warnings)
    return s, practices, targets, scopes, reinvest_scopes


def main(argv=None):
    ap = argparse.ArgumentParser(description="Reference implementation of rebase run -f csv")
    ap.add_argument("practices")
    ap.add_argument("scenario")
    ap.add_argument("--savings", action="store_true",
                    help="print scope,measure,value lines instead of the practice CSV")
    args = ap.parse_args(argv)
    warnings = []
    try:
        s, practices, targets, scopes, reinvest_scopes = run(args.practices, args.scenario,
                                                             warnings)
    except ScenarioError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except DataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 65
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    sys.stdout.reconfigure(encoding="utf-8", newline="")
    w = csv.writer(sys.stdout, lineterminator="\n")
    if args.savings:
        w.writerow(["scope", "measure", "value"])
        for row in savings(practices, s, targets, scopes, reinvest_scopes):
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
            w.writerow(practice_row(p, s))
    return 0


if __name__ == "__main__":
    sys.exit(main())
