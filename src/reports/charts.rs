//! SVG charts drawn at build time: no JavaScript, readable when printed, and
//! each given with its data table for screen readers and for copying.

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn fmt(v: f64) -> String {
    crate::base::format_wan(v)
}

/// Horizontal bars, one per row, labelled with their values.
pub fn bars(id: &str, title: &str, rows: &[(String, f64)]) -> String {
    let max = rows.iter().map(|r| r.1).fold(0.0, f64::max).max(1e-9);
    let row_h = 28.0;
    // room for the longest label (14 px per character), within reason
    let longest = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(4) as f64;
    let label_w = (longest * 14.0 + 12.0).clamp(80.0, 260.0);
    let width = 640.0;
    let bar_w = width - label_w - 70.0;
    let height = row_h * rows.len().max(1) as f64 + 10.0;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"{id}-t\"><title id=\"{id}-t\">{}</title>",
        esc(title)
    );
    for (i, (label, v)) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 5.0;
        let w = (v / max * bar_w).max(if *v > 0.0 { 2.0 } else { 0.0 });
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"14\" fill=\"#222\">{}</text><rect x=\"{label_w:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"#1f4e8c\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"14\" fill=\"#222\">{}</text>",
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

/// Columns over time (months), with the first and last labels.
pub fn columns(id: &str, title: &str, rows: &[(String, f64)]) -> String {
    let max = rows.iter().map(|r| r.1).fold(0.0, f64::max).max(1e-9);
    let width = 640.0;
    let height = 220.0;
    let plot_h = 170.0;
    let n = rows.len().max(1) as f64;
    let step = (width - 40.0) / n;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"{id}-t\"><title id=\"{id}-t\">{}</title><line x1=\"20\" y1=\"{plot_h}\" x2=\"{}\" y2=\"{plot_h}\" stroke=\"#555\"/>",
        esc(title),
        width - 20.0
    );
    for (i, (label, v)) in rows.iter().enumerate() {
        let h = v / max * (plot_h - 20.0);
        let x = 20.0 + i as f64 * step + step * 0.15;
        s.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"#1f4e8c\"><title>{}：{}</title></rect>",
            plot_h - h,
            step * 0.7,
            esc(label),
            fmt(*v)
        ));
        if i == 0 || i + 1 == rows.len() || rows.len() <= 12 {
            s.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#222\">{}</text>",
                x + step * 0.35,
                plot_h + 18.0,
                esc(label)
            ));
        }
    }
    s.push_str("</svg>");
    s
}

/// Stacked columns over time: one segment per series (e.g. per kind), with a
/// legend; each segment carries its own title for pointer users.
pub fn stacked(id: &str, title: &str, series: &[String], rows: &[(String, Vec<f64>)]) -> String {
    const COLORS: [&str; 6] = [
        "#1f4e8c", "#9d1c20", "#c07a00", "#2e7d32", "#6a1b9a", "#455a64",
    ];
    let max = rows
        .iter()
        .map(|r| r.1.iter().sum::<f64>())
        .fold(0.0, f64::max)
        .max(1e-9);
    let width = 640.0;
    let legend_h = 24.0 * series.len().div_ceil(3) as f64;
    let plot_h = 170.0;
    let height = plot_h + 30.0 + legend_h;
    let n = rows.len().max(1) as f64;
    let step = (width - 40.0) / n;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"{id}-t\"><title id=\"{id}-t\">{}</title><line x1=\"20\" y1=\"{plot_h}\" x2=\"{}\" y2=\"{plot_h}\" stroke=\"#555\"/>",
        esc(title),
        width - 20.0
    );
    for (i, (label, values)) in rows.iter().enumerate() {
        let x = 20.0 + i as f64 * step + step * 0.15;
        let mut y = plot_h;
        for (k, v) in values.iter().enumerate() {
            if *v <= 0.0 {
                continue;
            }
            let h = v / max * (plot_h - 20.0);
            y -= h;
            s.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"{}\"><title>{} {}：{}</title></rect>",
                step * 0.7,
                COLORS[k % COLORS.len()],
                esc(label),
                esc(&series[k]),
                fmt(*v)
            ));
        }
        if i == 0 || i + 1 == rows.len() || rows.len() <= 12 {
            s.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#222\">{}</text>",
                x + step * 0.35,
                plot_h + 18.0,
                esc(label)
            ));
        }
    }
    for (k, name) in series.iter().enumerate() {
        let lx = 20.0 + (k % 3) as f64 * 200.0;
        let ly = plot_h + 30.0 + (k / 3) as f64 * 24.0;
        s.push_str(&format!(
            "<rect x=\"{lx}\" y=\"{}\" width=\"14\" height=\"14\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" font-size=\"13\" fill=\"#222\">{}</text>",
            ly,
            COLORS[k % COLORS.len()],
            lx + 20.0,
            ly + 12.0,
            esc(name)
        ));
    }
    s.push_str("</svg>");
    s
}
