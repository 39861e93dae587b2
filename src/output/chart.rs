//! The price-per-patient chart (`rebase chart`, issue 4) as SVG: every
//! practice sorted by its price now (x = rank), its price now and after
//! re-basing as two series, and the target and floor as labelled lines.
//!
//! A pure function: points in, SVG text out; `cli/chart.rs` reads the input
//! and writes the file. Prices become `f64` here only to place pixels.
//! plotters is built without font libraries: its SVG backend writes each
//! label as a `<text>` element and the viewer's own sans-serif font draws it
//! (plotters only estimates text widths, for layout).
//!
//! Readable from 10 to 7,000 practices: markers shrink as practices grow,
//! each practice's move is drawn as a thin line while there are few enough
//! to tell apart, and a handful of extreme prices (a tiny list, a closing
//! practice) do not squash the rest: beyond Tukey's far-out fences the axis
//! is cut, those points sit on its edge as triangles pointing their way,
//! and a note says how many there are.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::calc::Rebasing;
use crate::model::Practice;
use crate::money::{Money, round_penny};
use crate::scenario::Per;

/// One practice on the chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChartPoint {
    /// Practice code (orders ties, so the chart is the same every run).
    pub code: String,
    /// Contract type (`GMS`, `PMS`, `APMS`).
    pub contract: String,
    /// Price per patient now, to the penny.
    pub price_now: Decimal,
    /// Price per patient after re-basing, to the penny.
    pub price_rebased: Decimal,
}

/// Each practice with a list: its price now and after, as the CSV rounds them
/// (SPEC §1 point 3: `round(money / list)`).
#[must_use]
pub fn chart_points(practices: &[Practice], rebasing: &Rebasing) -> Vec<ChartPoint> {
    practices
        .iter()
        .zip(&rebasing.practices)
        // Over the list prices are per (SPEC §8.4), as the CSV shows them.
        .filter_map(|(p, r)| Some((p, r, r.price_list?)))
        .map(|(p, r, list)| ChartPoint {
            code: p.practice_code.clone(),
            contract: p.contract.to_string(),
            price_now: round_penny(r.core_now.value() / list).value(),
            price_rebased: round_penny(r.core_rebased.value() / list).value(),
        })
        .collect()
}

/// The points in the chart's order: by price now, then price after, then
/// code, so the chart is the same every run (the workbook's Price chart
/// sheet lists them so too).
#[must_use]
pub fn sorted(points: &[ChartPoint]) -> Vec<&ChartPoint> {
    let mut sorted: Vec<&ChartPoint> = points.iter().collect();
    sorted.sort_by(|a, b| {
        a.price_now
            .cmp(&b.price_now)
            .then(a.price_rebased.cmp(&b.price_rebased))
            .then(a.code.cmp(&b.code))
    });
    sorted
}

/// Width of the SVG in pixels.
pub const WIDTH: u32 = 1000;
/// Height of the SVG in pixels.
pub const HEIGHT: u32 = 600;

pub(crate) const NOW: RGBColor = RGBColor(76, 114, 176);
pub(crate) const AFTER: RGBColor = RGBColor(221, 132, 82);
pub(crate) const TARGET: RGBColor = RGBColor(40, 40, 40);
const FLOOR: RGBColor = RGBColor(196, 58, 49);
const MOVE: RGBColor = RGBColor(150, 150, 150);
pub(crate) const GRID: RGBColor = RGBColor(232, 232, 232);
pub(crate) const FONT: &str = "sans-serif";

/// Practices from which extreme prices may be cut off the axis.
const CUT_FROM: usize = 100;

/// How many interquartile ranges beyond the quartiles the axis reaches.
const FENCE: f64 = 3.0;

/// Practices up to which each practice's move is drawn as a line.
const MOVES_UP_TO: usize = 400;

/// Draws the chart as an SVG document.
///
/// `target` and `floor` are drawn as horizontal lines labelled with their
/// price; `title` heads the chart (it is escaped, so any text is safe).
/// Fails only when there is no point to draw or a price is beyond `f64`.
pub fn price_chart_svg(
    points: &[ChartPoint],
    target: Option<Money>,
    floor: Option<Money>,
    title: &str,
    per: Per,
) -> Result<String, String> {
    if points.is_empty() {
        return Err("there is no practice with a price per patient to chart".to_owned());
    }
    let sorted = sorted(points);
    let now = sorted
        .iter()
        .map(|p| float(p.price_now))
        .collect::<Result<Vec<f64>, String>>()?;
    let after = sorted
        .iter()
        .map(|p| float(p.price_rebased))
        .collect::<Result<Vec<f64>, String>>()?;
    let target = target.map(|m| float(m.value())).transpose()?;
    let floor = floor.map(|m| float(m.value())).transpose()?;

    let mut lines: Vec<f64> = target.into_iter().chain(floor).collect();
    lines.retain(|v| v.is_finite());
    let axis = Axis::fit(&now, &after, &lines);
    let mut svg = String::new();
    draw(
        &mut svg,
        &Plot {
            now: &now,
            after: &after,
            target,
            floor,
            title,
            y_desc: match per {
                Per::Registered => "£ per patient",
                Per::Weighted => "£ per weighted patient",
            },
            axis,
        },
    )
    .map_err(|e| format!("cannot draw the chart: {e}"))?;
    Ok(svg)
}

pub(crate) fn float(d: Decimal) -> Result<f64, String> {
    d.to_f64()
        .ok_or_else(|| format!("price {d} cannot be placed on the chart"))
}

/// The y axis: its range, and whether extreme points were cut off.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Axis {
    lo: f64,
    hi: f64,
    /// Values below `lo` are drawn on the bottom edge.
    cut_below: bool,
    /// Values above `hi` are drawn on the top edge.
    cut_above: bool,
}

impl Axis {
    /// A range over every value and line, cut at Tukey's far-out fences
    /// (three interquartile ranges beyond the quartiles) when there are
    /// enough practices for quartiles to mean something, so that a few
    /// extreme prices do not flatten everyone else.
    fn fit(now: &[f64], after: &[f64], lines: &[f64]) -> Axis {
        let mut all: Vec<f64> = now.iter().chain(after).copied().collect();
        all.sort_by(f64::total_cmp);
        let (mut lo, mut hi) = (
            all.first().copied().unwrap_or(0.0),
            all.last().copied().unwrap_or(1.0),
        );
        let (mut cut_below, mut cut_above) = (false, false);
        if now.len() >= CUT_FROM {
            // The value `percent` of the way along the sorted values.
            let at = |percent: usize| {
                let i = (all.len() - 1) * percent / 100;
                all.get(i).copied().unwrap_or(0.0)
            };
            let (q1, q3) = (at(25), at(75));
            let reach = (q3 - q1).max(1.0) * FENCE;
            if hi > q3 + reach {
                hi = q3 + reach;
                cut_above = true;
            }
            if lo < q1 - reach {
                lo = q1 - reach;
                cut_below = true;
            }
        }
        for &l in lines {
            lo = lo.min(l);
            hi = hi.max(l);
        }
        // Some air above and below, at least £10 of range, whole pounds.
        let pad = ((hi - lo) * 0.06).max(2.0);
        let mut lo = (lo - pad).floor();
        let mut hi = (hi + pad).ceil();
        if hi - lo < 10.0 {
            let mid = f64::midpoint(hi, lo);
            lo = (mid - 5.0).floor();
            hi = (mid + 5.0).ceil();
        }
        // A price axis starts at zero at the lowest when nothing is negative.
        if lo < 0.0 && all.first().is_some_and(|v| *v >= 0.0) && lines.iter().all(|v| *v >= 0.0) {
            lo = 0.0;
        }
        Axis {
            lo,
            hi,
            cut_below,
            cut_above,
        }
    }

    fn clamp(&self, v: f64) -> f64 {
        v.clamp(self.lo, self.hi)
    }

    fn is_cut(&self, v: f64) -> bool {
        (self.cut_below && v < self.lo) || (self.cut_above && v > self.hi)
    }
}

struct Plot<'a> {
    now: &'a [f64],
    after: &'a [f64],
    target: Option<f64>,
    floor: Option<f64>,
    title: &'a str,
    y_desc: &'static str,
    axis: Axis,
}

/// Marker radius in pixels: big for a borough, small for a country.
fn marker_size(n: usize) -> u32 {
    match n {
        0..=60 => 5,
        61..=250 => 3,
        251..=1500 => 2,
        _ => 1,
    }
}

fn draw(svg: &mut String, plot: &Plot<'_>) -> Result<(), Box<dyn std::error::Error>> {
    let n = plot.now.len();
    let axis = plot.axis;
    let root = SVGBackend::with_string(svg, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let x_max = rank(n) + 1.0;
    let mut chart = ChartBuilder::on(&root)
        .caption(caption(plot.title), (FONT, 26).into_font().color(&BLACK))
        .margin(16)
        .margin_right(28)
        .x_label_area_size(56)
        .y_label_area_size(76)
        .build_cartesian_2d(0.0..x_max, axis.lo..axis.hi)?;

    let x_labels = n.clamp(2, 11);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(RGBColor(120, 120, 120))
        .x_labels(x_labels)
        .y_labels(10)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("£{v:.0}"))
        .x_desc("practices, sorted by price now")
        .y_desc(plot.y_desc)
        .label_style((FONT, 16).into_font().color(&RGBColor(60, 60, 60)))
        .axis_desc_style((FONT, 18).into_font().color(&BLACK))
        .draw()?;

    let r = marker_size(n);
    // Each practice's move, now to after, while practices are few enough to tell apart.
    if n <= MOVES_UP_TO {
        chart.draw_series(
            ranked(plot.now)
                .zip(plot.after)
                .filter(|((_, a), b)| (a - *b).abs() > f64::EPSILON)
                .map(|((x, a), b)| {
                    PathElement::new(
                        vec![(x, axis.clamp(a)), (x, axis.clamp(*b))],
                        MOVE.mix(0.6).stroke_width(1),
                    )
                }),
        )?;
    }

    // The lines under the markers, so the re-based prices that land on them
    // show; their labels go where sorting leaves the plot empty: above the
    // target at the left (the lowest prices now, all below it), below the
    // floor at the right (the highest prices now, and no re-based price
    // under the floor). Labels are drawn last, over everything.
    let target_line = plot.target.map(|t| (t, "target", TARGET));
    let floor_line = plot.floor.map(|f| (f, "floor", FLOOR));
    for (price, _, color) in [floor_line, target_line].into_iter().flatten() {
        chart.draw_series(DashedLineSeries::new(
            vec![(0.0, price), (x_max, price)],
            8,
            5,
            color.stroke_width(2),
        ))?;
    }
    let labels = [floor_line, target_line];

    // After first, then now on top: the sorted prices now make one unbroken
    // curve, and where a practice's price does not change the two coincide.
    // With room for it, now is a ring around the after dot.
    let ring = r >= 3;
    let after_style = AFTER.mix(if r > 2 { 0.95 } else { 0.8 }).filled();
    let now_style = if ring {
        NOW.stroke_width(2)
    } else {
        NOW.mix(0.8).filled()
    };
    // The legend lists series in drawing order: two empty series put
    // "price now" first although its markers are drawn last.
    let legend_now = if ring {
        NOW.stroke_width(2)
    } else {
        NOW.filled()
    };
    chart
        .draw_series(std::iter::empty::<Circle<(f64, f64), u32>>())?
        .label("price now")
        .legend(move |(x, y)| Circle::new((x + 10, y), 5, legend_now));
    chart
        .draw_series(std::iter::empty::<Circle<(f64, f64), u32>>())?
        .label("after re-basing")
        .legend(move |(x, y)| Circle::new((x + 10, y), 5, AFTER.filled()));
    draw_markers(&mut chart, plot.after, axis, r, after_style)?;
    draw_markers(&mut chart, plot.now, axis, r, now_style)?;

    for line in labels.into_iter().flatten() {
        draw_line_label(&root, &chart, x_max, line)?;
    }
    draw_cut_note(&root, &chart, plot, x_max)?;

    draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
    root.present()?;
    Ok(())
}

/// The legend both charts draw: the series' names on a pale box.
/// The most characters of a title the chart's width shows at the title's
/// size (about 14 pixels a character in 1,000).
const TITLE_CHARS: usize = 68;

/// A title cut to the chart's width, ending `…` when it was longer, so a
/// long scenario name never runs off the picture.
pub(crate) fn caption(title: &str) -> std::borrow::Cow<'_, str> {
    if title.chars().count() <= TITLE_CHARS {
        return title.into();
    }
    let kept: String = title.chars().take(TITLE_CHARS - 1).collect();
    format!("{}…", kept.trim_end()).into()
}

pub(crate) fn draw_legend<'b>(
    chart: &mut Chart<'b, 'b>,
    position: SeriesLabelPosition,
) -> Result<(), Box<dyn std::error::Error>> {
    chart
        .configure_series_labels()
        .position(position)
        .margin(12)
        .label_font((FONT, 17).into_font().color(&BLACK))
        .background_style(WHITE.mix(0.9))
        .border_style(RGBColor(190, 190, 190))
        .draw()?;
    Ok(())
}

/// The label of the target or the floor line, on a pale box that keeps it
/// legible over markers: above the target at the left, below the floor at
/// the right.
fn draw_line_label(
    root: &Area<'_>,
    chart: &Chart<'_, '_>,
    x_max: f64,
    (price, name, color): (f64, &str, RGBColor),
) -> Result<(), Box<dyn std::error::Error>> {
    let is_target = name == "target";
    let (x, h, v) = if is_target {
        (1.0, HPos::Left, VPos::Bottom)
    } else {
        (x_max, HPos::Right, VPos::Top)
    };
    let style = (FONT, 18)
        .into_font()
        .style(FontStyle::Bold)
        .color(&color)
        .pos(Pos::new(h, v));
    let at = chart.backend_coord(&(x, price));
    let at = if is_target {
        (at.0, at.1 - 5)
    } else {
        (at.0 - 6, at.1 + 5)
    };
    let label = format!("{name} £{price:.2}");
    // The box's width is estimated (the viewer's font draws the text).
    let w = i32::try_from(label.chars().count()).unwrap_or(20) * 17 / 2 + 6;
    let (x0, x1) = if is_target {
        (at.0 - 4, at.0 + w)
    } else {
        (at.0 - w, at.0 + 4)
    };
    let (y0, y1) = if is_target {
        (at.1 - 20, at.1 + 1)
    } else {
        (at.1 - 1, at.1 + 20)
    };
    root.draw(&Rectangle::new(
        [(x0, y0), (x1, y1)],
        WHITE.mix(0.7).filled(),
    ))?;
    root.draw(&Text::new(label, at, style))?;
    Ok(())
}

/// How many prices lie beyond the axis, when some do.
fn draw_cut_note(
    root: &Area<'_>,
    chart: &Chart<'_, '_>,
    plot: &Plot<'_>,
    x_max: f64,
) -> Result<(), Box<dyn std::error::Error>> {
    let axis = plot.axis;
    let cut = plot
        .now
        .iter()
        .chain(plot.after)
        .filter(|v| axis.is_cut(**v))
        .count();
    if cut > 0 {
        let note = format!("▲▼ {cut} prices beyond the axis, drawn on its edge");
        let at = chart.backend_coord(&(x_max, axis.lo));
        let style = (FONT, 15)
            .into_font()
            .color(&RGBColor(90, 90, 90))
            .pos(Pos::new(HPos::Right, VPos::Bottom));
        root.draw(&Text::new(note, (at.0 - 6, at.1 - 6), style))?;
    }
    Ok(())
}

/// Values with their rank (1-based x).
fn ranked(values: &[f64]) -> impl Iterator<Item = (f64, f64)> + '_ {
    values.iter().enumerate().map(|(i, v)| (rank(i + 1), *v))
}

/// A rank as an x coordinate (there are never 4 billion practices).
fn rank(i: usize) -> f64 {
    f64::from(u32::try_from(i).unwrap_or(u32::MAX))
}

/// The drawing area of an SVG chart.
pub(crate) type Area<'b> = DrawingArea<SVGBackend<'b>, plotters::coord::Shift>;

/// A chart with a numeric axis each way.
pub(crate) type Chart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// One series of markers: circles inside the axis, triangles on its edge for
/// values cut off beyond it.
fn draw_markers<'c, 'a, 'b>(
    chart: &'c mut Chart<'a, 'b>,
    values: &[f64],
    axis: Axis,
    r: u32,
    style: ShapeStyle,
) -> Result<
    &'c mut plotters::chart::SeriesAnno<'a, SVGBackend<'b>>,
    DrawingAreaErrorKind<std::io::Error>,
> {
    let cut: Vec<(f64, f64)> = ranked(values).filter(|(_, v)| axis.is_cut(*v)).collect();
    if !cut.is_empty() {
        // A triangle pointing off the axis, the way the price lies.
        let s = i32::try_from(r.max(3) + 1).unwrap_or(4);
        let fill = style.color.filled();
        chart.draw_series(cut.into_iter().map(move |(x, v)| {
            let tip = if v > axis.hi { -s } else { s };
            EmptyElement::at((x, axis.clamp(v)))
                + Polygon::new(vec![(0, tip), (-s, -tip), (s, -tip)], fill)
        }))?;
    }
    chart.draw_series(
        ranked(values)
            .filter(|(_, v)| !axis.is_cut(*v))
            .map(|p| Circle::new(p, r, style)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::round_penny;
    use rust_decimal_macros::dec;

    fn point(code: &str, now: Decimal, after: Decimal) -> ChartPoint {
        ChartPoint {
            code: code.to_owned(),
            contract: "PMS".to_owned(),
            price_now: now,
            price_rebased: after,
        }
    }

    #[test]
    fn a_long_title_is_cut_to_the_charts_width() {
        let long = format!(
            "{} PMS review",
            "Very Long Integrated Care Board ".repeat(4)
        );
        let svg = price_chart_svg(
            &[point("A", dec!(70.10), dec!(80.00))],
            None,
            None,
            &long,
            Per::Registered,
        )
        .unwrap();
        let shown = caption(&long);
        assert_eq!(shown.chars().count(), TITLE_CHARS);
        assert!(shown.ends_with('…') && long.starts_with(shown.trim_end_matches('…')));
        assert!(svg.contains(&*shown), "the cut title is drawn");
        assert_eq!(caption("K & C"), "K & C", "a short title is kept whole");
    }

    #[test]
    fn draws_labels_lines_and_a_legend() {
        let points = [
            point("A", dec!(70.10), dec!(80.00)),
            point("B", dec!(120.00), dec!(85.53)),
            point("C", dec!(90.00), dec!(85.53)),
        ];
        let svg = price_chart_svg(
            &points,
            Some(round_penny(dec!(85.53))),
            Some(round_penny(dec!(80))),
            "K & C <test>",
            Per::Registered,
        )
        .unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.trim_end().ends_with("</svg>"));
        for text in [
            "target £85.53",
            "floor £80.00",
            "price now",
            "after re-basing",
            "£ per patient",
            "practices, sorted by price now",
            "K &amp; C &lt;test&gt;",
        ] {
            assert!(svg.contains(text), "missing {text}");
        }
    }

    #[test]
    fn no_points_is_an_error() {
        assert!(price_chart_svg(&[], None, None, "x", Per::Registered).is_err());
    }

    #[test]
    fn outliers_are_cut_only_with_many_practices() {
        let mut now: Vec<f64> = (0..200).map(|i| 70.0 + f64::from(i) * 0.2).collect();
        now.push(900.0);
        let axis = Axis::fit(&now, &now, &[85.53]);
        assert!(axis.cut_above && !axis.cut_below);
        assert!(axis.hi < 200.0, "{axis:?}");
        let few = [70.0, 80.0, 900.0];
        let axis = Axis::fit(&few, &few, &[]);
        assert!(!axis.cut_above && axis.hi > 900.0);
    }

    #[test]
    fn lines_stay_on_the_axis() {
        let axis = Axis::fit(&[90.0, 100.0], &[90.0, 100.0], &[60.0]);
        assert!(axis.lo < 60.0 && axis.hi > 100.0);
        assert!(axis.lo >= 0.0);
    }
}
