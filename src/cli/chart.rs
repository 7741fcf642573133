//! `prapp analytics chart`: the score progression as an SVG or PNG file, one line per dimension
//! and the overall score in bold. Text is drawn from the Open Sans font embedded in the binary
//! (assets/fonts/, Apache-2.0), so no system font library is needed.

use std::io;
use std::path::Path;
use std::sync::OnceLock;

use chrono::Local;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use crate::analytics::{self, ProgressPoint};
use crate::domain::Dimension;
use crate::error::{Error, Result};

const REGULAR: &[u8] = include_bytes!("../../assets/fonts/OpenSans-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/OpenSans-Bold.ttf");
const FAMILY: &str = "sans-serif";

/// Pixels of the picture: 16:9, sharp in a note or a slide.
pub const SIZE: (u32, u32) = (1280, 720);
/// More evaluations than this are drawn as this many means of consecutive runs: a line of
/// 100,000 points is no clearer than one of 600, and the SVG stays small.
const MAX_POINTS: usize = 600;
/// Up to this many evaluations get a dot on each point, so few points still read as data.
const MARKED_POINTS: usize = 40;

/// One colour per dimension, in the contract's order (Tableau 10: tells apart for most people).
const COLOURS: [RGBColor; 6] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0x17, 0xbe, 0xcf),
];
const OVERALL: RGBColor = RGBColor(0x22, 0x22, 0x22);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Svg,
    Png,
}

/// The format `path`'s extension asks for.
pub fn format_for(path: &Path) -> Result<Format> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("svg") => Ok(Format::Svg),
        Some("png") => Ok(Format::Png),
        _ => Err(Error::Input(format!(
            "cannot tell the chart format from '{}' — end --out with .svg or .png",
            path.display()
        ))),
    }
}

fn fonts() -> Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        register_font(FAMILY, FontStyle::Normal, REGULAR).is_ok()
            && register_font(FAMILY, FontStyle::Bold, BOLD).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(Error::Input(
            "the embedded chart font is unreadable — this build of prapp is broken; please report it"
                .into(),
        ))
    }
}

/// What to draw: the points (in practice order), which dimensions, a line saying what they are,
/// and moments to mark (the position of a point and a label, e.g. the first drill).
pub struct Chart<'a> {
    pub points: &'a [ProgressPoint],
    pub dimensions: &'a [Dimension],
    pub subtitle: String,
    pub marks: Vec<(usize, String)>,
}

/// Writes the chart to `path` in the format its extension names.
pub fn write(path: &Path, chart: &Chart<'_>) -> Result<Format> {
    let format = format_for(path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.is_dir()
    {
        return Err(Error::Input(format!(
            "cannot write {}: the folder {} does not exist — create it or choose another --out",
            path.display(),
            dir.display()
        )));
    }
    fonts()?;
    let failed = |e: String| {
        Error::io(
            format!("cannot write the chart to {}", path.display()),
            io::Error::other(e),
        )
    };
    match format {
        Format::Svg => {
            let root = SVGBackend::new(path, SIZE).into_drawing_area();
            draw(&root, chart).map_err(|e| failed(e.to_string()))?;
            root.present().map_err(|e| failed(e.to_string()))?;
        }
        Format::Png => {
            let root = BitMapBackend::new(path, SIZE).into_drawing_area();
            draw(&root, chart).map_err(|e| failed(e.to_string()))?;
            root.present().map_err(|e| failed(e.to_string()))?;
        }
    }
    Ok(format)
}

/// `values` at their evaluation positions, downsampled to [`MAX_POINTS`] bucket means placed at
/// their bucket's middle.
fn series(values: &[f64]) -> Vec<(f64, f64)> {
    let n = values.len();
    if n <= MAX_POINTS {
        return values
            .iter()
            .enumerate()
            .map(|(i, &v)| (i as f64, v))
            .collect();
    }
    analytics::downsample(values, MAX_POINTS)
        .into_iter()
        .enumerate()
        .map(|(b, v)| {
            let from = b * n / MAX_POINTS;
            let to = (b + 1) * n / MAX_POINTS;
            ((from + to - 1) as f64 / 2.0, v)
        })
        .collect()
}

type DrawResult<DB> =
    std::result::Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, c: &Chart<'_>) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let n = c.points.len();
    let body = root.titled(
        "Practice progress",
        // The style goes in the constructor: `FontDesc::style` keeps the regular glyphs.
        (FAMILY, 34, FontStyle::Bold).into_font().color(&OVERALL),
    )?;
    let (plot, side) = body.split_horizontally(SIZE.0 - 260);

    let x_range = if n < 2 {
        -0.5..0.5
    } else {
        -0.02 * (n - 1) as f64..1.02 * (n - 1) as f64
    };
    let mut chart = ChartBuilder::on(&plot)
        .margin_left(20)
        .margin_right(10)
        .margin_top(10)
        .margin_bottom(20)
        .x_label_area_size(56)
        .y_label_area_size(56)
        .build_cartesian_2d(x_range, 0f64..10f64)?;
    let date_of = |x: &f64| {
        let i = x.round().clamp(0.0, n.saturating_sub(1) as f64) as usize;
        c.points
            .get(i)
            .map(|p| {
                p.evaluated_at
                    .with_timezone(&Local)
                    .format("%b %-d")
                    .to_string()
            })
            .unwrap_or_default()
    };
    chart
        .configure_mesh()
        .bold_line_style(RGBColor(0xd9, 0xd9, 0xd9))
        .light_line_style(RGBColor(0xf3, 0xf3, 0xf3))
        .max_light_lines(1)
        .axis_style(RGBColor(0x88, 0x88, 0x88))
        .x_labels(if n < 2 { 1 } else { 7.min(n) })
        .y_labels(11)
        .x_label_formatter(&date_of)
        .y_label_formatter(&|y| format!("{y:.0}"))
        .x_desc("evaluated")
        .y_desc("score (0–10)")
        .label_style((FAMILY, 17).into_font().color(&RGBColor(0x44, 0x44, 0x44)))
        .axis_desc_style((FAMILY, 18).into_font().color(&RGBColor(0x44, 0x44, 0x44)))
        .draw()?;

    let grey = RGBColor(0x99, 0x99, 0x99);
    for (at, label) in &c.marks {
        let x = *at as f64 - 0.5;
        chart.draw_series(LineSeries::new([(x, 0.0), (x, 10.0)], grey.stroke_width(1)))?;
        chart.draw_series([Text::new(
            label.clone(),
            (x + 0.2, 9.8),
            (FAMILY, 16).into_font().color(&RGBColor(0x66, 0x66, 0x66)),
        )])?;
    }

    let mut legend: Vec<(String, RGBColor, u32)> = Vec::new();
    for &d in c.dimensions {
        let colour = COLOURS[d.index()];
        let line = series(&analytics::series(c.points, d));
        // Slightly see-through, so crossing lines stay readable and the overall stands out.
        chart.draw_series(LineSeries::new(
            line.iter().copied(),
            colour.mix(0.85).stroke_width(2),
        ))?;
        if n <= MARKED_POINTS {
            chart.draw_series(
                line.iter()
                    .map(|&p| Circle::new(p, 3, colour.mix(0.85).filled())),
            )?;
        }
        legend.push((d.label().to_string(), colour, 4));
    }
    let overall: Vec<f64> = c.points.iter().map(|p| p.overall_score).collect();
    let line = series(&overall);
    chart.draw_series(LineSeries::new(
        line.iter().copied(),
        OVERALL.stroke_width(5),
    ))?;
    if n <= MARKED_POINTS {
        chart.draw_series(line.iter().map(|&p| Circle::new(p, 5, OVERALL.filled())))?;
    }
    legend.push(("Overall".to_string(), OVERALL, 8));

    // The legend beside the plot, so it never hides a line.
    let text = (FAMILY, 18).into_font().color(&OVERALL);
    let mut y = 40;
    for (label, colour, thickness) in &legend {
        let top = y + 12 - *thickness as i32 / 2;
        side.draw(&Rectangle::new(
            [(10, top), (46, top + *thickness as i32)],
            colour.filled(),
        ))?;
        let style = if label == "Overall" {
            (FAMILY, 18, FontStyle::Bold).into_font().color(&OVERALL)
        } else {
            text.clone()
        };
        side.draw(&Text::new(label.as_str(), (56, y + 2), style))?;
        y += 34;
    }
    let small = (FAMILY, 16).into_font().color(&RGBColor(0x66, 0x66, 0x66));
    y += 16;
    for line in c.subtitle.lines() {
        side.draw(&Text::new(line, (10, y), small.clone()))?;
        y += 24;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_decides_the_format() {
        assert_eq!(
            format_for(Path::new("a/progress.SVG")).unwrap(),
            Format::Svg
        );
        assert_eq!(format_for(Path::new("progress.png")).unwrap(), Format::Png);
        let e = format_for(Path::new("progress.gif"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("'progress.gif'") && e.contains(".svg or .png"),
            "{e}"
        );
        assert!(format_for(Path::new("progress")).is_err());
    }

    #[test]
    fn long_series_are_bucketed_at_their_middle() {
        let v: Vec<f64> = (0..1200).map(|i| f64::from(i % 2)).collect();
        let s = series(&v);
        assert_eq!(s.len(), MAX_POINTS);
        assert_eq!(s[0], (0.5, 0.5));
        assert_eq!(series(&[1.0, 2.0]), [(0.0, 1.0), (1.0, 2.0)]);
    }
}
