//! The derivation of one practice (`rebase explain`), step by step in SPEC
//! §4's order. Every figure comes from the calculation's trace
//! ([`PracticeResult`]); the text only shows how the rules combined them.

use rust_decimal::Decimal;

use crate::calc::{GmsResult, PracticeResult, PriceRule, Rebasing, Status, Target};
use crate::model::Practice;
use crate::money::{Money, format_percent, round_penny};
use crate::scenario::{Gains, ListChange, Per, PriceMethod, Scenario};

/// One step of the derivation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// SPEC §4 step number (0 for the summary).
    pub number: usize,
    /// What the step decides.
    pub title: &'static str,
    /// The lines of arithmetic and the rule applied.
    pub lines: Vec<String>,
}

fn m(x: Money) -> String {
    crate::text::pounds(x)
}

fn price_shown(x: Money, list: Decimal) -> String {
    if list.is_zero() {
        "—".to_owned()
    } else {
        m(round_penny(x.value() / list))
    }
}

/// What every step reads: the practice, its trace, the run and the scenario.
struct Inputs<'a> {
    p: &'a Practice,
    r: &'a PracticeResult,
    rebasing: &'a Rebasing,
    s: &'a Scenario,
}

/// Builds the derivation of practice `index` of the run: one [`Step`] per
/// SPEC §4 step, then the summary.
#[must_use]
pub fn derivation(
    p: &Practice,
    r: &PracticeResult,
    rebasing: &Rebasing,
    s: &Scenario,
) -> Vec<Step> {
    let x = Inputs { p, r, rebasing, s };
    let status = status_line(&x);
    let step = |number, title, lines| Step {
        number,
        title,
        lines,
    };
    vec![
        step(1, "List used", list_used(&x)),
        step(2, "Core value now", core_now(&x)),
        step(3, "List change", list_change(&x, &status)),
        step(4, "Target price", target_price(&x, &status)),
        step(5, "Re-based core", rebased_core(&x)),
        step(6, "Taper", taper(&x)),
        step(7, "Premium services", premium_services(&x)),
        step(8, "Net change", net_change(&x)),
        step(9, "GMS equivalent", gms_comparison(&x)),
        step(10, "Superannuation", superannuation(x.r)),
        step(0, "Result", result(x.r)),
    ]
}

/// Step 1: the list used, the discrepancy rule and the weighted list.
fn list_used(x: &Inputs) -> Vec<String> {
    let (p, r, s) = (x.p, x.r, x.s);
    let list = &r.list;
    let mut lines = vec![format!("Exeter list {}", p.list_exeter)];
    lines.push(discrepancy_line(x));
    if !list.ghosts.is_zero() {
        lines.push(format!("ghosts removed: {}", list.ghosts));
    }
    lines.push(format!("list used = {}", list.list_used));
    if s.price().per == Per::Weighted {
        lines.push(match (p.weighted_list, r.price_list) {
            (Some(w), Some(l)) => format!(
                "prices are per weighted patient: weighted list {w} × {} / {} = {l}",
                list.list_used, p.list_exeter
            ),
            _ => {
                "prices are per weighted patient, and there is no weighted list to scale".to_owned()
            }
        });
    }
    if r.outlier {
        lines.push("its price now is below a quarter or above four times the median of its contract type in its scope (flag outlier)".to_owned());
    }
    lines
}

/// Step 1: the practice list against Exeter.
fn discrepancy_line(x: &Inputs) -> String {
    let (p, r, s) = (x.p, x.r, x.s);
    match (p.list_practice, r.list.discrepancy) {
        (Some(lp), Some(d)) => format!(
            "practice list {lp} differs by {} (threshold {}): {}",
            format_percent(round_penny(d * Decimal::ONE_HUNDRED).value() / Decimal::ONE_HUNDRED),
            format_percent(s.list().threshold),
            if r.reconcile {
                "the practice list is used pending full reconciliation (flag reconcile)"
            } else {
                "Exeter is used"
            }
        ),
        (Some(lp), None) if r.reconcile => format!(
            "practice list {lp} against an Exeter list of zero: the practice list is used (flag reconcile)"
        ),
        _ => "no practice list given: Exeter is used".to_owned(),
    }
}

/// Step 2: the core value now and the price now.
fn core_now(x: &Inputs) -> Vec<String> {
    let (p, r, s) = (x.p, x.r, x.s);
    vec![
        format!(
            "global sum {} + MPIG {} + PMS baseline {} = {}",
            m(round_penny(p.global_sum)),
            m(round_penny(p.mpig)),
            m(round_penny(p.pms_baseline)),
            m(r.core_now)
        ),
        format!(
            "price now = {} / {} = {} a{} patient",
            m(r.core_now),
            r.price_list
                .map_or_else(|| "—".to_owned(), |l| l.to_string()),
            price_shown(r.core_now, r.price_list.unwrap_or_default()),
            per_word(s)
        ),
    ]
}

/// Whether the practice is re-based, and why not.
fn status_line(x: &Inputs) -> String {
    let (p, r, s) = (x.p, x.r, x.s);
    match r.status {
        Status::Rebased => format!("{} is re-based ({} contracts are)", p.contract, names(s)),
        Status::NotRebased => format!(
            "{} is not re-based (only {} contracts are): every year keeps the core now",
            p.contract,
            names(s)
        ),
        Status::Excluded(why) => format!(
            "excluded from re-basing because {} (flag excluded): every year keeps the core now",
            why.describe()
        ),
    }
}

/// Step 3: the list correction, or why there is none.
fn list_change(x: &Inputs, status: &str) -> Vec<String> {
    let (p, r, s) = (x.p, x.r, x.s);
    let list = &r.list;
    if !r.is_rebased() {
        return vec![status.to_owned()];
    }
    if r.list_corrected {
        let funded = p.list_funded.unwrap_or_default();
        return vec![
            format!(
                "contract priced on {funded} patients, list used {}: policy `{}` corrects it",
                list.list_used,
                policy(s.list().change)
            ),
            format!(
                "corrected core = round({} × {} / {funded}) = {}",
                m(r.core_now),
                list.list_used,
                m(r.corrected_core)
            ),
            format!(
                "list effect = {} − {} = {}",
                m(r.corrected_core),
                m(r.core_now),
                m(r.list_effect)
            ),
        ];
    }
    let why = match (p.list_funded, s.list().change) {
        (_, ListChange::Off) => "list change is off".to_owned(),
        (None, _) => "no list_funded given".to_owned(),
        (Some(f), ListChange::Down) => {
            format!("funded on {f}, not more than the list used (policy down)")
        }
        (Some(f), ListChange::Both) => format!("funded on {f}, the same as the list used"),
    };
    vec![format!("no list change: {why}; list effect £0.00")]
}

/// The target of the practice's scope, if the run computed one.
fn target_of<'a>(x: &Inputs<'a>) -> Option<&'a Target> {
    x.r.target.and_then(|i| x.rebasing.targets.get(i))
}

/// Step 4: how the target price was found.
fn target_price(x: &Inputs, status: &str) -> Vec<String> {
    let s = x.s;
    match (x.r.is_rebased(), target_of(x), &s.price().method) {
        (true, _, PriceMethod::GmsEquivalent) => vec![format!(
            "gms-equivalent: each practice's own GMS equivalent plus {} of its premium above it (step 5)",
            format_percent(s.price().retain.unwrap_or_default())
        )],
        (true, _, PriceMethod::Banding { .. }) => vec![
            "banding: the price comes from the band the practice's price falls in (step 5)"
                .to_owned(),
        ],
        (true, Some(t), method) => {
            let exact = t.exact.map_or(String::new(), |e| {
                format!(" = {}", e.round_sf(12).unwrap_or(e).normalize())
            });
            vec![format!(
                "{}{exact}; target {}",
                target_method(t, method),
                t.price.map_or("none".to_owned(), m)
            )]
        }
        _ => vec![status.to_owned()],
    }
}

/// Step 4: the method of a computed target, over its scope.
fn target_method(t: &Target, method: &PriceMethod) -> String {
    let scope = t
        .group
        .as_deref()
        .map_or("all practices re-based".to_owned(), |g| {
            format!("group {g}")
        });
    match method {
        PriceMethod::Fixed { value } => format!("fixed at {}", m(*value)),
        PriceMethod::Average => format!(
            "list-weighted average over {scope}: {} / {} patients ({} practices)",
            m(t.total_core),
            t.total_list,
            t.practices
        ),
        PriceMethod::GmsAverage => format!(
            "list-weighted average of GMS practices in {}: {} / {} patients ({} practices)",
            t.group.as_deref().unwrap_or("scope"),
            m(t.total_core),
            t.total_list,
            t.practices
        ),
        PriceMethod::Mean => format!("mean of the {} prices in {scope}", t.practices),
        PriceMethod::Median => format!("median of the {} prices in {scope}", t.practices),
        PriceMethod::Banding { .. } | PriceMethod::GmsEquivalent => String::new(),
    }
}

/// Step 5: the re-based core (SPEC §8.1's working under gms-equivalent).
fn rebased_core(x: &Inputs) -> Vec<String> {
    let r = x.r;
    if !r.gms_years.is_empty() {
        return gms_equivalent_lines(x.p, r, x.s);
    }
    let Some(after) = r.price_after else {
        return vec![format!(
            "not re-based: re-based core = core now = {}",
            m(r.core_now)
        )];
    };
    let price_list = r.price_list.unwrap_or(r.list.list_used);
    let shown = round_penny(r.corrected_core.value() / price_list);
    let mut lines = vec![price_rule_line(
        after.rule,
        shown,
        after.price,
        target_of(x),
    )];
    lines.push(if after.rule == PriceRule::Own {
        format!("re-based core = corrected core = {}", m(r.core_rebased))
    } else {
        format!(
            "re-based core = round({} × {}) = {}",
            m(round_penny(after.price)),
            price_list,
            m(r.core_rebased - r.uplift_last())
        )
    });
    lines.push(format!(
        "price effect = {} − {} = {}",
        m(r.core_rebased - r.uplift_last()),
        m(r.corrected_core),
        m(r.price_effect)
    ));
    lines.push(format!(
        "change = {} − {} = {} ({}%)",
        m(r.core_rebased - r.uplift_last()),
        m(r.core_now),
        m(r.change),
        r.change_pct.map_or("—".to_owned(), |x| x.to_string())
    ));
    lines.extend(uplift_line(r));
    lines
}

/// Step 5: which price rule applied to the practice's price.
fn price_rule_line(rule: PriceRule, shown: Money, price: Decimal, t: Option<&Target>) -> String {
    let target = t.and_then(|t| t.price).map_or("(none)".to_owned(), m);
    match rule {
        PriceRule::Own => format!(
            "price {} is not above the target {target}: it keeps its own price",
            m(shown)
        ),
        PriceRule::Target => format!(
            "price {} is above the target: brought down to {target}",
            m(shown)
        ),
        PriceRule::LevelUp => format!(
            "price {} is below the target and level_up is on: raised to {target}",
            m(shown)
        ),
        PriceRule::Floor => format!(
            "price {} would go below the floor: paid the floor {}",
            m(shown),
            m(round_penny(price))
        ),
        PriceRule::Band { band } => format!(
            "price {} falls in band {band}: paid {}",
            m(shown),
            m(round_penny(price))
        ),
    }
}

/// SPEC §8: the last year's uplift on the re-based core, when there is one.
fn uplift_line(r: &PracticeResult) -> Option<String> {
    (!r.uplift.is_empty()).then(|| {
        format!(
            "with the last year's uplift {}: re-based core {}",
            m(r.uplift_last()),
            m(r.core_rebased)
        )
    })
}

/// Step 6: each year of the taper.
fn taper(x: &Inputs) -> Vec<String> {
    let (r, s) = (x.r, x.s);
    let mut lines = Vec::new();
    if r.change.is_positive() && s.taper().gains == Gains::Immediate && r.is_rebased() {
        lines.push("a gain, paid in full from year 1 (gains = immediate)".to_owned());
    }
    for (k, (year, share)) in r.years.iter().zip(&s.taper().schedule).enumerate() {
        lines.push(taper_year(r, s, k, *year, *share));
    }
    lines
}

/// Step 6: year `k + 1` of the taper.
fn taper_year(r: &PracticeResult, s: &Scenario, k: usize, year: Money, share: Decimal) -> String {
    let base = if r.uplift.is_empty() {
        m(r.core_now)
    } else {
        format!("{} + uplift {}", m(r.core_now), m(r.uplift_in(k)))
    };
    let change = r
        .gms_years
        .get(k)
        .map_or(r.change, |g| g.rebased - r.without_review(k));
    if r.is_rebased() && !(change.is_positive() && s.taper().gains == Gains::Immediate) {
        format!(
            "year {}{}: {base} + round({} × {}) = {}",
            k + 1,
            financial_year(s, k),
            m(change),
            format_percent(share),
            m(year)
        )
    } else if r.uplift.is_empty() {
        format!("year {}{}: {}", k + 1, financial_year(s, k), m(year))
    } else {
        format!(
            "year {}{}: {base} + change {} = {}",
            k + 1,
            financial_year(s, k),
            m(change),
            m(year)
        )
    }
}

/// Step 7: each premium service taken, and their total.
fn premium_services(x: &Inputs) -> Vec<String> {
    let (r, s) = (x.r, x.s);
    let mut lines: Vec<String> = r
        .premium
        .iter()
        .filter_map(|pay| {
            let svc = s.premium().iter().find(|x| x.name == pay.service)?;
            Some(format!(
                "{}: {} × {} = {}",
                pay.service,
                m(svc.price),
                r.list.list_used,
                m(pay.amount)
            ))
        })
        .collect();
    if lines.is_empty() {
        lines.push(if r.is_excluded() {
            "excluded practices take no premium service".to_owned()
        } else {
            "no premium services taken".to_owned()
        });
    } else {
        lines.push(format!(
            "premium = {} a year, from year 1 (access basis: the whole list)",
            m(r.premium_total)
        ));
    }
    lines
}

/// Step 8: the net change each year (with SPEC §8's reinvestment) and
/// whether a business case may be put.
fn net_change(x: &Inputs) -> Vec<String> {
    let r = x.r;
    let mut lines: Vec<String> = r
        .net_change
        .iter()
        .enumerate()
        .map(|(k, n)| reinvestment_line(k, *n, r.reinvestment.get(k).copied()))
        .collect();
    if r.is_rebased() {
        let with_all = r.last_year() - r.uplift_last() - r.core_now + r.premium_if_all;
        lines.push(format!(
            "with every premium service ({}), the last year's change is {}: {}",
            m(r.premium_if_all),
            m(with_all),
            if r.business_case {
                "still a loss, so it may put a business case (flag business_case)"
            } else {
                "no business case needed"
            }
        ));
    }
    lines
}

/// Step 8: year `k + 1`'s net change, with SPEC §8's reinvestment if any.
fn reinvestment_line(k: usize, net: Money, reinvestment: Option<Money>) -> String {
    match reinvestment {
        Some(x) => format!(
            "year {}: net change {} (reinvestment {} included)",
            k + 1,
            m(net),
            m(x)
        ),
        None => format!("year {}: net change {}", k + 1, m(net)),
    }
}

/// Step 9: the GMS equivalent, the PMS premium, SPEC §8's MPIG phase-out
/// and the return to GMS.
fn gms_comparison(x: &Inputs) -> Vec<String> {
    let (p, r, s) = (x.p, x.r, x.s);
    let last_price = match s.financial_years() {
        Some(y) => y.price_of(s.years()),
        None => s.gms().cloned(),
    };
    let (gms, g, w) = match (&last_price, &r.gms, p.weighted_list) {
        (Some(gms), Some(g), Some(w)) => (gms, g, w),
        (None, _, _) => {
            return vec!["no global sum price in the scenario: comparison skipped".to_owned()];
        }
        _ => return vec!["no weighted list: comparison skipped".to_owned()],
    };
    let mut lines = vec![format!(
        "GMS equivalent{} = round({w} × {} × (1 − {})) = {}",
        gms.year
            .as_ref()
            .filter(|_| s.financial_years().is_some())
            .map_or(String::new(), |y| format!(" in {y}, the last taper year")),
        m(gms.global_sum_price),
        format_percent(gms.ooh_deduction),
        m(g.gms_equivalent)
    )];
    if let Some(prem) = g.pms_premium {
        lines.push(format!(
            "PMS premium = core now {} − GMS equivalent = {}",
            m(r.core_now),
            m(prem)
        ));
    }
    lines.extend(mpig_phase_out_line(p, s, g));
    if r.is_rebased() {
        lines.push(return_to_gms_line(r, g));
    }
    lines
}

/// SPEC §8: how much MPIG is left in the last taper year.
fn mpig_phase_out_line(p: &Practice, s: &Scenario, g: &GmsResult) -> Option<String> {
    let y = s.financial_years()?;
    let final_year = y.year_of(s.years());
    Some(format!(
        "MPIG phase-out: {}/7 of MPIG is left in {} against {}/7 in {}: MPIG equivalent {} × {} / {} = {}",
        final_year.mpig_sevenths(),
        final_year,
        y.data.mpig_sevenths(),
        y.data,
        m(round_penny(p.mpig_equivalent)),
        final_year.mpig_sevenths(),
        y.data.mpig_sevenths(),
        m(g.mpig_equivalent)
    ))
}

/// Step 9: whether the practice would be better off back on GMS.
fn return_to_gms_line(r: &PracticeResult, g: &GmsResult) -> String {
    let back = g.gms_equivalent + g.mpig_equivalent;
    format!(
        "return to GMS: {} + MPIG equivalent {} = {} {} the re-based core {}{}",
        m(g.gms_equivalent),
        m(g.mpig_equivalent),
        m(back),
        if r.better_under_gms {
            "is more than"
        } else {
            "is not more than"
        },
        m(r.core_rebased),
        if r.better_under_gms {
            " (flag better_under_gms)"
        } else {
            ""
        }
    )
}

/// Step 10: the superannuation shift.
fn superannuation(r: &PracticeResult) -> Vec<String> {
    match r.superannuation {
        Some(x) => vec![format!(
            "superannuation {} paid into the contract; kept out of the years and the savings",
            m(x)
        )],
        None => vec!["superannuation shift off".to_owned()],
    }
}

/// The summary: income now, income re-based and the flags.
fn result(r: &PracticeResult) -> Vec<String> {
    let flags = r.flags();
    vec![
        format!(
            "income now {} (core {} + QOF {} + enhanced {} + other {})",
            m(r.income_now),
            m(r.core_now),
            m(r.qof),
            m(r.enhanced),
            m(r.other)
        ),
        format!(
            "income re-based {} (last year's core {} + premium {}{} + superannuation {} + QOF, enhanced, other)",
            m(r.income_rebased),
            m(r.last_year()),
            m(r.premium_total),
            if r.reinvestment.is_empty() {
                String::new()
            } else {
                format!(" + reinvestment {}", m(r.reinvestment_last()))
            },
            m(r.superannuation.unwrap_or(Money::ZERO))
        ),
        format!(
            "flags: {}",
            if flags.is_empty() {
                "none".to_owned()
            } else {
                flags.join(";")
            }
        ),
    ]
}

/// SPEC §8.1's working, year by year: `G_k`, the premium, what is kept and
/// withdrawn, and the re-based core.
fn gms_equivalent_lines(p: &Practice, r: &PracticeResult, s: &Scenario) -> Vec<String> {
    let w = p.weighted_list.unwrap_or_default();
    let retain = s.price().retain.unwrap_or_default();
    let mut lines = Vec::new();
    for (k, y) in r.gms_years.iter().enumerate() {
        let premium = (y.corrected - y.gms_equivalent).value().max(Decimal::ZERO);
        let premium = round_penny(premium);
        let c = if r.uplift.is_empty() {
            format!("corrected core {}", m(y.corrected))
        } else {
            format!(
                "corrected core {} + uplift {} = {}",
                m(r.corrected_core),
                m(r.uplift_in(k)),
                m(y.corrected)
            )
        };
        lines.push(format!(
            "year {}{}: G = round({w} × {} × (1 − {})) = {}; {c}",
            k + 1,
            financial_year(s, k),
            m(y.global_sum_price),
            format_percent(y.ooh_deduction),
            m(y.gms_equivalent),
        ));
        let floor = y
            .floor
            .filter(|f| *f == y.rebased && *f > y.target.min(y.corrected));
        lines.push(format!(
            "  premium over G {}; kept round({} × {}) = {}; withdrawn {}; target G + kept = {}; re-based core {}{}",
            m(premium),
            m(premium),
            format_percent(retain),
            m(y.kept),
            m((y.corrected - y.rebased).max_zero()),
            m(y.target),
            m(y.rebased),
            if floor.is_some() {
                " (the floor)"
            } else if y.rebased == y.corrected {
                " (its own: not above its target)"
            } else if y.rebased > y.corrected {
                " (levelled up)"
            } else {
                ""
            }
        ));
    }
    lines.push(format!(
        "change = {} − {} = {} ({}%)",
        m(r.core_rebased),
        m(r.core_now + r.uplift_last()),
        m(r.change),
        r.change_pct.map_or("—".to_owned(), |x| x.to_string())
    ));
    lines
}

/// ` (2016/17)` with `[years]`, else nothing.
fn financial_year(s: &Scenario, k: usize) -> String {
    s.financial_years()
        .as_ref()
        .map_or(String::new(), |y| format!(" ({})", y.year_of(k + 1)))
}

/// ` weighted` when prices are per weighted patient.
fn per_word(s: &Scenario) -> &'static str {
    if s.price().per == Per::Weighted {
        " weighted"
    } else {
        ""
    }
}

fn names(s: &Scenario) -> String {
    s.contracts()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn policy(c: ListChange) -> &'static str {
    match c {
        ListChange::Both => "both",
        ListChange::Down => "down",
        ListChange::Off => "off",
    }
}
