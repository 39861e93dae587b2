//! The sweep chart (`rebase sweep --chart`, SPEC §8.5) as SVG: the saving
//! in one year against the target price, gross and net as two lines, and
//! the goal as a labelled horizontal line. The look (size, fonts, colours,
//! a font-free SVG backend) is the price chart's, `output::chart`.
//!
//! A pure function: points in, SVG text out. Money becomes `f64` here only
//! to place pixels; every figure written as text is the exact decimal.

use crate::money::Money;
use crate::output::chart::{
    AFTER, Area, Chart, FONT, GRID, HEIGHT, NOW, TARGET, WIDTH, draw_legend, float,
};
use crate::scenario::Basis;
use crate::text::thousands;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One target price on the chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SweepPoint {
    /// The target price.
    pub price: Money,
    /// The saving in the charted year.
    pub saving: Money,
    /// The net saving in the charted year.
    pub net_saving: Money,
}

/// The goal line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GoalLine {
    /// The saving required.
    pub saving: Money,
    /// Which line it is measured on.
    pub basis: Basis,
}

/// Prices up to which each price is marked with a dot as well as the line.
const DOTS_UP_TO: usize = 60;

/// Draws the chart as an SVG document: x the target price, y the saving in
/// `year`. `title` heads it (escaped, so any text is safe). Fails only when
/// there is no point or a figure is beyond `f64`.
pub fn sweep_chart_svg(
    points: &[SweepPoint],
    year: usize,
    goal: Option<GoalLine>,
    title: &str,
) -> Result<String, String> {
    if points.is_empty() {
        return Err("there is no target price to chart".to_owned());
    }
    let series = |f: fn(&SweepPoint) -> Money| {
        points
            .iter()
            .map(|p| Ok((float(p.price.value())?, float(f(p).value())?)))
            .collect::<Result<Vec<(f64, f64)>, String>>()
    };
    let best = goal.and_then(|g| {
        let on_basis = |p: &SweepPoint| match g.basis {
            Basis::Gross => p.saving,
            Basis::Net => p.net_saving,
        };
        let meets = |p: &&SweepPoint| on_basis(p) >= g.saving;
        if points.iter().all(|p| meets(&p)) {
            return None;
        }
        points.iter().filter(meets).map(|p| p.price).max()
    });
    let plot = Plot {
        best: best
            .map(|m| Ok::<_, String>((float(m.value())?, m)))
            .transpose()?,
        gross: series(|p| p.saving)?,
        net: series(|p| p.net_saving)?,
        goal: goal
            .map(|g| Ok::<_, String>((float(g.saving.value())?, g)))
            .transpose()?,
        year,
        title,
    };
    let mut svg = String::new();
    draw(&mut svg, &plot).map_err(|e| format!("cannot draw the chart: {e}"))?;
    Ok(svg)
}

struct Plot<'a> {
    gross: Vec<(f64, f64)>,
    net: Vec<(f64, f64)>,
    goal: Option<(f64, GoalLine)>,
    /// The highest price meeting the goal, when some price does not.
    best: Option<(f64, Money)>,
    year: usize,
    title: &'a str,
}

/// The price axis: the prices with a little air, at least £1 wide.
fn x_range(prices: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let lo = prices.clone().fold(f64::INFINITY, f64::min);
    let hi = prices.fold(f64::NEG_INFINITY, f64::max);
    let pad = ((hi - lo) * 0.03).max(0.5);
    ((lo - pad).max(0.0), hi + pad)
}

/// The saving axis: every value, the goal and zero, with air above and below.
fn y_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((0.0_f64, 0.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let pad = ((hi - lo) * 0.08).max(1.0);
    (if lo < 0.0 { lo - pad } else { 0.0 }, hi + pad)
}

/// An axis label in pounds, in thousands or millions when the axis spans
/// them: `£2.5m`, `-£250k`, `£750`, `£0`.
fn pounds_label(v: f64, span: f64) -> String {
    let sign = if v < 0.0 { "-" } else { "" };
    let a = v.abs();
    let (scaled, unit) = if span >= 1_000_000.0 {
        (a / 1_000_000.0, "m")
    } else if span >= 10_000.0 {
        (a / 1_000.0, "k")
    } else {
        (a, "")
    };
    let text = format!("{scaled:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "0" {
        return "£0".to_owned();
    }
    format!("{sign}£{text}{unit}")
}

fn draw(svg: &mut String, plot: &Plot<'_>) -> Result<(), Box<dyn std::error::Error>> {
    let (x_lo, x_hi) = x_range(plot.gross.iter().map(|p| p.0));
    let (y_lo, y_hi) = y_range(
        plot.gross
            .iter()
            .chain(&plot.net)
            .map(|p| p.1)
            .chain(plot.goal.map(|g| g.0)),
    );
    let span = y_hi - y_lo;
    let root = SVGBackend::with_string(svg, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            super::chart::caption(plot.title),
            (FONT, 26).into_font().color(&BLACK),
        )
        .margin(16)
        .margin_right(28)
        .x_label_area_size(56)
        .y_label_area_size(86)
        .build_cartesian_2d(x_lo..x_hi, y_lo..y_hi)?;
    let pence = x_hi - x_lo < 5.0;
    let y_label = |v: &f64| pounds_label(*v, span);
    chart
        .configure_mesh()
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(RGBColor(120, 120, 120))
        .x_labels(11)
        .y_labels(10)
        .x_label_formatter(&|v| {
            if pence {
                format!("£{v:.2}")
            } else {
                format!("£{v:.0}")
            }
        })
        .y_label_formatter(&y_label)
        .x_desc("target price, £ per patient")
        .y_desc(format!("saving in year {}", plot.year))
        .label_style((FONT, 16).into_font().color(&RGBColor(60, 60, 60)))
        .axis_desc_style((FONT, 18).into_font().color(&BLACK))
        .draw()?;

    if y_lo < 0.0 {
        chart.draw_series(LineSeries::new(
            vec![(x_lo, 0.0), (x_hi, 0.0)],
            RGBColor(120, 120, 120).stroke_width(1),
        ))?;
    }
    if let Some((goal, _)) = plot.goal {
        chart.draw_series(DashedLineSeries::new(
            vec![(x_lo, goal), (x_hi, goal)],
            8,
            5,
            TARGET.stroke_width(2),
        ))?;
    }
    draw_curves(&mut chart, plot)?;

    // The curves in pixels, and the legend's corner, for placing labels
    // where they hide nothing.
    let mut obstacles: Vec<Vec<(i32, i32)>> = [&plot.gross, &plot.net]
        .iter()
        .map(|v| v.iter().map(|p| chart.backend_coord(p)).collect())
        .collect();
    let corner = chart.backend_coord(&(x_hi, y_hi));
    obstacles.push(vec![
        (corner.0 - 170, corner.1 + 75),
        (corner.0, corner.1 + 75),
    ]);

    if let Some((goal, line)) = plot.goal {
        draw_goal(
            &root,
            &mut chart,
            plot,
            (goal, line),
            (x_lo, x_hi, y_lo),
            &mut obstacles,
        )?;
    }

    draw_legend(&mut chart, SeriesLabelPosition::UpperRight)?;
    root.present()?;
    Ok(())
}

/// The saving and net saving curves, dotted while prices are few.
fn draw_curves(
    chart: &mut Chart<'_, '_>,
    plot: &Plot<'_>,
) -> Result<(), Box<dyn std::error::Error>> {
    let dots = plot.gross.len() <= DOTS_UP_TO;
    for (values, color, name) in [
        (&plot.gross, NOW, "saving"),
        (&plot.net, AFTER, "net saving"),
    ] {
        chart
            .draw_series(LineSeries::new(
                values.iter().copied(),
                color.stroke_width(3),
            ))?
            .label(name)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(3))
            });
        if dots {
            chart.draw_series(values.iter().map(|p| Circle::new(*p, 4, color.filled())))?;
        }
    }
    Ok(())
}

/// The goal line's label and, when some price does not meet the goal, the
/// highest price that does: a thin line down to the price axis, labelled.
fn draw_goal(
    root: &Area<'_>,
    chart: &mut Chart<'_, '_>,
    plot: &Plot<'_>,
    (goal, line): (f64, GoalLine),
    (x_lo, x_hi, y_lo): (f64, f64, f64),
    obstacles: &mut Vec<Vec<(i32, i32)>>,
) -> Result<(), Box<dyn std::error::Error>> {
    // The highest price that meets the goal, when some price does not:
    // a thin line down from the goal line to the price axis.
    if let Some((x, price)) = plot.best {
        chart.draw_series(DashedLineSeries::new(
            vec![(x, y_lo), (x, goal)],
            4,
            4,
            TARGET.mix(0.7).stroke_width(1),
        ))?;
        let foot = chart.backend_coord(&(x, y_lo));
        obstacles.push(vec![foot, chart.backend_coord(&(x, goal))]);
        let text = format!("meets the goal up to £{}", thousands(price));
        let spots = [
            ((foot.0 - 6, foot.1 - 8), HPos::Right, VPos::Bottom),
            ((foot.0 + 6, foot.1 - 8), HPos::Left, VPos::Bottom),
        ];
        label(root, &text, 16, TARGET, &spots, obstacles)?;
    }
    let basis = match line.basis {
        Basis::Gross => "gross",
        Basis::Net => "net",
    };
    let text = format!("goal £{} ({basis})", thousands(line.saving));
    let right = chart.backend_coord(&(x_hi, goal));
    let left = chart.backend_coord(&(x_lo, goal));
    let spots = [
        ((right.0 - 6, right.1 - 5), HPos::Right, VPos::Bottom),
        ((right.0 - 6, right.1 + 5), HPos::Right, VPos::Top),
        ((left.0 + 6, left.1 + 5), HPos::Left, VPos::Top),
        ((left.0 + 6, left.1 - 5), HPos::Left, VPos::Bottom),
    ];
    label(root, &text, 18, TARGET, &spots, obstacles)?;
    Ok(())
}

/// A bold label at the first of `spots` whose box crosses no obstacle
/// line (else the first), on a pale box that keeps it legible. The box's
/// width is estimated: the viewer's font draws the text.
fn label(
    root: &Area<'_>,
    text: &str,
    size: u32,
    color: RGBColor,
    spots: &[((i32, i32), HPos, VPos)],
    obstacles: &[Vec<(i32, i32)>],
) -> Result<(), Box<dyn std::error::Error>> {
    let size_px = i32::try_from(size).unwrap_or(18);
    let width = i32::try_from(text.chars().count()).unwrap_or(20) * size_px * 17 / 36 + 6;
    let boxed = |&(at, h, v): &((i32, i32), HPos, VPos)| {
        let (x0, x1) = match h {
            HPos::Right => (at.0 - width, at.0 + 4),
            _ => (at.0 - 4, at.0 + width),
        };
        let (y0, y1) = match v {
            VPos::Bottom => (at.1 - size_px - 2, at.1 + 1),
            _ => (at.1 - 1, at.1 + size_px + 2),
        };
        (x0, y0, x1, y1)
    };
    let Some(first) = spots.first() else {
        return Ok(());
    };
    let spot = spots
        .iter()
        .find(|s| {
            let b = boxed(s);
            !obstacles.iter().any(|line| crosses(line, b))
        })
        .unwrap_or(first);
    let (x0, y0, x1, y1) = boxed(spot);
    root.draw(&Rectangle::new(
        [(x0, y0), (x1, y1)],
        WHITE.mix(0.75).filled(),
    ))?;
    let style = (FONT, size)
        .into_font()
        .style(FontStyle::Bold)
        .color(&color)
        .pos(Pos::new(spot.1, spot.2));
    root.draw(&Text::new(text.to_owned(), spot.0, style))?;
    Ok(())
}

/// Whether a polyline (pixels) passes through a box `(x0, y0, x1, y1)`.
fn crosses(line: &[(i32, i32)], (x0, y0, x1, y1): (i32, i32, i32, i32)) -> bool {
    let (x0, y0, x1, y1) = (f64::from(x0), f64::from(y0), f64::from(x1), f64::from(y1));
    let at = |p: (i32, i32)| (f64::from(p.0), f64::from(p.1));
    let single = line.len() == 1;
    line.iter()
        .zip(line.iter().skip(1))
        .map(|(a, b)| (at(*a), at(*b)))
        .chain(line.first().filter(|_| single).map(|a| (at(*a), at(*a))))
        .any(|((ax, ay), (bx, by))| {
            let (lo, hi) = (ax.min(bx).max(x0), ax.max(bx).min(x1));
            if lo > hi {
                return false;
            }
            // The segment's y over the part of its x range inside the box.
            let y_at = |x: f64| {
                if (bx - ax).abs() < f64::EPSILON {
                    ay
                } else {
                    ay + (by - ay) * (x - ax) / (bx - ax)
                }
            };
            let (ya, yb) = if (bx - ax).abs() < f64::EPSILON {
                (ay.min(by), ay.max(by))
            } else {
                (y_at(lo).min(y_at(hi)), y_at(lo).max(y_at(hi)))
            };
            ya <= y1 && yb >= y0
        })
}

/// The points of a sweep's rows in one year (1-based); rows without that
/// year are left out.
#[must_use]
pub fn sweep_points(rows: &[crate::report::sweep::SweepRow], year: usize) -> Vec<SweepPoint> {
    rows.iter()
        .filter_map(|r| {
            let y = r.years.get(year.checked_sub(1)?)?;
            Some(SweepPoint {
                price: r.target_price,
                saving: y.saving,
                net_saving: y.net_saving,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::round_penny;
    use rust_decimal::Decimal;
    use rust_decimal_macros::dec;

    fn point(price: Decimal, saving: Decimal) -> SweepPoint {
        SweepPoint {
            price: round_penny(price),
            saving: round_penny(saving),
            net_saving: round_penny(saving - dec!(100000)),
        }
    }

    #[test]
    fn draws_lines_goal_and_legend() {
        let points = [
            point(dec!(80), dec!(600000)),
            point(dec!(85), dec!(500000)),
            point(dec!(90), dec!(400000)),
        ];
        let goal = GoalLine {
            saving: round_penny(dec!(500000)),
            basis: Basis::Gross,
        };
        let svg = sweep_chart_svg(&points, 2, Some(goal), "K & C <test>").unwrap();
        assert!(svg.starts_with("<svg"));
        for text in [
            "goal £500,000.00 (gross)",
            "net saving",
            "saving in year 2",
            "target price, £ per patient",
            "K &amp; C &lt;test&gt;",
        ] {
            assert!(svg.contains(text), "missing {text}");
        }
    }

    #[test]
    fn no_points_is_an_error() {
        assert!(sweep_chart_svg(&[], 1, None, "x").is_err());
    }

    #[test]
    fn labels_scale_with_the_axis() {
        assert_eq!(pounds_label(2_500_000.0, 10_000_000.0), "£2.5m");
        assert_eq!(pounds_label(3_000_000.0, 10_000_000.0), "£3m");
        assert_eq!(pounds_label(-250_000.0, 900_000.0), "-£250k");
        assert_eq!(pounds_label(750.0, 1_000.0), "£750");
        assert_eq!(pounds_label(0.0, 1_000_000.0), "£0");
    }

    #[test]
    fn the_saving_axis_keeps_zero_and_the_goal() {
        let (lo, hi) = y_range([400_000.0, 600_000.0, 700_000.0].into_iter());
        assert!(lo.abs() < f64::EPSILON && hi > 700_000.0);
        let (lo, _) = y_range([-50_000.0, 10_000.0].into_iter());
        assert!(lo < -50_000.0);
    }
}
