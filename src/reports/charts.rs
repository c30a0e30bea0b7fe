//! SVG charts drawn at build time: no JavaScript, readable when printed, and
//! each given with its data table for screen readers and for copying.
//!
//! A chart is drawn at the size it is shown (its `width` and `height` are
//! CSS pixels, never scaled down): its labels stay 13 px on a phone, and a
//! chart wider than the screen scrolls in its own box.

/// Text size of every label, in CSS pixels.
const TEXT: f64 = 13.0;
/// Width of one month's column.
const MONTH_W: f64 = 34.0;
/// Room for the y axis and its tick labels.
const AXIS_W: f64 = 52.0;
const PLOT_H: f64 = 170.0;
const TOP: f64 = 12.0;
const COLORS: [&str; 6] = [
    "#1f4e8c", "#9d1c20", "#a35f00", "#2e7d32", "#6a1b9a", "#455a64",
];

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn fmt(v: f64) -> String {
    crate::base::format_wan(v)
}

fn open(id: &str, title: &str, width: f64, height: f64) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"{id}-t\" font-size=\"{TEXT}\"><title id=\"{id}-t\">{}</title>",
        esc(title)
    )
}

/// Horizontal bars, one per row, labelled with their values.
pub fn bars(id: &str, title: &str, rows: &[(String, f64)]) -> String {
    let max = rows.iter().map(|r| r.1).fold(0.0, f64::max).max(1e-9);
    let row_h = 28.0;
    // room for the longest label, within reason
    let longest = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(4) as f64;
    let label_w = (longest * (TEXT + 1.0) + 12.0).clamp(60.0, 200.0);
    let bar_w = 160.0;
    let width = label_w + bar_w + 70.0;
    let height = row_h * rows.len().max(1) as f64 + 10.0;
    let mut s = open(id, title, width, height);
    for (i, (label, v)) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 5.0;
        let w = (v / max * bar_w).max(if *v > 0.0 { 2.0 } else { 0.0 });
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#222\">{}</text><rect x=\"{label_w:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"#1f4e8c\"/><text x=\"{:.1}\" y=\"{:.1}\" fill=\"#222\">{}</text>",
            label_w - 8.0,
            y + 18.0,
            esc(label),
            y + 4.0,
            row_h - 8.0,
            label_w + w + 6.0,
            y + 18.0,
            fmt(*v)
        ));
    }
    s.push_str("</svg>");
    s
}

/// Round tick values for an axis from 0 to at least `max`: 1, 2 or 5
/// times a power of ten, at most about five steps.
pub fn ticks(max: f64) -> Vec<f64> {
    if max <= 0.0 || !max.is_finite() {
        return vec![0.0, 1.0];
    }
    let raw = max / 5.0;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * power);
    // Counts are whole: no step below 1 for them.
    let step = if max >= 1.0 { step.max(1.0) } else { step };
    let n = (max / step).ceil().max(1.0) as usize;
    (0..=n).map(|i| i as f64 * step).collect()
}

/// The y axis: tick lines across the plot and their labels.
fn axis(s: &mut String, ticks: &[f64], width: f64) {
    let top = *ticks.last().unwrap_or(&1.0);
    for t in ticks {
        let y = TOP + PLOT_H - t / top * PLOT_H;
        s.push_str(&format!(
            "<line x1=\"{AXIS_W}\" y1=\"{y:.1}\" x2=\"{width:.1}\" y2=\"{y:.1}\" stroke=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#222\">{}</text>",
            if *t == 0.0 { "#555" } else { "#d5d9df" },
            AXIS_W - 6.0,
            y + 4.5,
            fmt(*t)
        ));
    }
}

/// Month labels under the columns: the month number under each, and the
/// year under the first column and under each January.
fn month_labels(s: &mut String, months: &[&str]) {
    for (i, m) in months.iter().enumerate() {
        let x = AXIS_W + i as f64 * MONTH_W + MONTH_W / 2.0;
        let (year, month) = m.split_once('-').unwrap_or((m, ""));
        s.push_str(&format!(
            "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#222\">{}</text>",
            TOP + PLOT_H + 17.0,
            esc(month)
        ));
        if i == 0 || month == "01" {
            s.push_str(&format!(
                "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#222\">{}</text>",
                TOP + PLOT_H + 34.0,
                esc(year)
            ));
        }
    }
}

/// Columns over consecutive months (`YYYY-MM`), with a labelled y axis.
pub fn columns(id: &str, title: &str, rows: &[(String, f64)]) -> String {
    let series = [String::new()];
    let rows: Vec<(String, Vec<f64>)> = rows.iter().map(|(m, v)| (m.clone(), vec![*v])).collect();
    stacked(id, title, &series, &rows)
}

/// Stacked columns over consecutive months: one segment per series (e.g.
/// per kind) with a legend when there is more than one series; each
/// segment carries its own title for pointer users.
pub fn stacked(id: &str, title: &str, series: &[String], rows: &[(String, Vec<f64>)]) -> String {
    let max = rows
        .iter()
        .map(|r| r.1.iter().sum::<f64>())
        .fold(0.0, f64::max);
    let ticks = ticks(max);
    let top = *ticks.last().unwrap_or(&1.0);
    let width = AXIS_W + MONTH_W * rows.len().max(1) as f64 + 8.0;
    let legend = series.len() > 1;
    let legend_w = 130.0;
    let per_row = ((width - AXIS_W) / legend_w).floor().max(1.0) as usize;
    let legend_h = if legend {
        22.0 * series.len().div_ceil(per_row) as f64 + 8.0
    } else {
        0.0
    };
    let height = TOP + PLOT_H + 44.0 + legend_h;
    let mut s = open(id, title, width, height);
    axis(&mut s, &ticks, width - 4.0);
    for (i, (label, values)) in rows.iter().enumerate() {
        let x = AXIS_W + i as f64 * MONTH_W + MONTH_W * 0.15;
        let mut y = TOP + PLOT_H;
        for (k, v) in values.iter().enumerate() {
            if *v <= 0.0 {
                continue;
            }
            let h = v / top * PLOT_H;
            y -= h;
            let name = series.get(k).filter(|n| !n.is_empty());
            s.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"{}\"><title>{}{}：{}</title></rect>",
                MONTH_W * 0.7,
                COLORS[k % COLORS.len()],
                esc(label),
                name.map(|n| format!(" {}", esc(n))).unwrap_or_default(),
                fmt(*v)
            ));
        }
    }
    let months: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    month_labels(&mut s, &months);
    if legend {
        for (k, name) in series.iter().enumerate() {
            let lx = AXIS_W + (k % per_row) as f64 * legend_w;
            let ly = TOP + PLOT_H + 48.0 + (k / per_row) as f64 * 22.0;
            s.push_str(&format!(
                "<rect x=\"{lx}\" y=\"{ly}\" width=\"13\" height=\"13\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" fill=\"#222\">{}</text>",
                COLORS[k % COLORS.len()],
                lx + 18.0,
                ly + 11.5,
                esc(name)
            ));
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_reach_the_maximum() {
        assert_eq!(ticks(7.0), vec![0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(ticks(3.0), vec![0.0, 1.0, 2.0, 3.0]);
        assert_eq!(ticks(0.0), vec![0.0, 1.0]);
        let t = ticks(1234.0);
        assert_eq!(t[1], 500.0);
        assert!(*t.last().unwrap() >= 1234.0);
        let t = ticks(0.35);
        assert!(*t.last().unwrap() >= 0.35 && t.len() <= 6, "{t:?}");
    }

    #[test]
    fn labels_are_drawn_at_their_size_and_every_month_has_a_column_slot() {
        let rows: Vec<(String, f64)> = ["2025-11", "2025-12", "2026-01"]
            .iter()
            .map(|m| (m.to_string(), 0.0))
            .collect();
        let svg = columns("c", "t", &rows);
        assert!(svg.contains("font-size=\"13\""));
        // three month numbers and two years (the first column, January)
        assert_eq!(
            svg.matches(">2025<").count() + svg.matches(">2026<").count(),
            2
        );
        for m in ["11", "12", "01"] {
            assert!(svg.contains(&format!(">{m}<")), "{m}");
        }
        // the y axis is labelled even when every month is empty
        assert!(svg.contains(">0<") && svg.contains(">1<"));
    }
}
