//! Charts as SVG, rendered on the server with charts-rs: no script, no CDN, and
//! only presentation attributes (no inline `style`), so the pages' CSP holds.

use charts_rs::{BarChart, LineChart};
use serde_json::json;

/// The font the charts ask for: the CJK font Debian ships (fonts-noto-cjk),
/// then the viewer's sans-serif (which may lack Chinese: README, "Fonts").
/// charts-rs measures labels with its own font whatever the name says.
const FONT: &str = "Noto Sans CJK SC, sans-serif";
const WIDTH: u32 = 640;
const HEIGHT: u32 = 320;

/// A line chart of one or more series over labelled points; `percent` fixes the
/// axis at 0–100%.
pub fn line(title: &str, labels: &[String], series: &[(&str, Vec<f64>)], percent: bool) -> String {
    let mut options = base(title, labels, series);
    if percent {
        options["y_axis_configs"] = json!([{"axis_formatter": "{c}%", "axis_min": 0.0, "axis_max": 100.0}]);
    }
    LineChart::from_json(&options.to_string()).and_then(|c| c.svg()).unwrap_or_else(|e| fallback(title, &e.to_string()))
}

/// A bar chart of one or more series over labelled groups.
pub fn bars(title: &str, labels: &[String], series: &[(&str, Vec<f64>)]) -> String {
    let options = base(title, labels, series);
    BarChart::from_json(&options.to_string()).and_then(|c| c.svg()).unwrap_or_else(|e| fallback(title, &e.to_string()))
}

fn base(title: &str, labels: &[String], series: &[(&str, Vec<f64>)]) -> serde_json::Value {
    json!({
        "width": WIDTH,
        "height": HEIGHT,
        "title_text": title,
        "font_family": FONT,
        "legend_show": series.len() > 1,
        "series_list": series.iter().map(|(name, data)| json!({"name": name, "data": data})).collect::<Vec<_>>(),
        "x_axis_data": labels,
    })
}

/// What a chart that cannot be drawn shows instead (an empty series, say).
fn fallback(title: &str, why: &str) -> String {
    tracing::warn!(chart = title, error = why, "chart not drawn");
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_chart_draws_its_points_and_labels() {
        let svg = line("复工率", &["3月1日".into(), "3月19日".into()], &[("复工率", vec![40.0, 86.7])], true);
        assert!(svg.starts_with("<svg") && svg.contains("复工率") && svg.contains("3月19日") && svg.contains("<path"));
        assert!(!svg.contains("style="), "no inline style: the CSP refuses it");
        assert!(svg.contains("font-family=\"Noto Sans CJK SC, sans-serif\""), "the CJK font, then sans-serif: {svg}");
    }

    #[test]
    fn a_bar_chart_draws_a_bar_per_value() {
        let svg = bars("各乡镇办复工情况", &["新习镇".into(), "王助镇".into()], &[("已复工", vec![10.0, 20.0]), ("未复工", vec![3.0, 1.0])]);
        assert!(svg.matches("<rect").count() >= 4, "{svg}");
    }
}
