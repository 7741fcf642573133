//! `prapp analytics trends|improvements|chart`: progress as a table with sparklines and a chart
//! drawn in the terminal, as `--json` in the contract's shapes, as CSV rows, or as an SVG/PNG file.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};

use super::output::{self, BOLD, DIM, paint};
use super::{Ctx, chart, plot};
use crate::analytics::{self, RecentTrend, Trends};
use crate::domain::{Dimension, PreparationType, Priority};
use crate::error::Error;
use crate::practice::analytics::TrendsQuery;

#[derive(Debug, Subcommand)]
pub enum AnalyticsCmd {
    /// Scores over time: averages, velocity, recent trend, recurring weaknesses, drill effects
    #[command(
        after_help = "Examples:\n  prapp analytics trends\n  prapp analytics trends --days 30 --type interview --json\n  prapp analytics trends --all-time --csv > progress.csv\n\nRecent trend: the mean overall score of your last 3 evaluations against the 3 before;\na change of 0.3 points or more is improving/declining, needs at least 4 evaluations.\nSee also: prapp analytics improvements, prapp analytics chart, prapp drill"
    )]
    Trends(TrendsArgs),
    /// What to work on next: recurring weaknesses and your latest evaluation's advice
    #[command(
        after_help = "Example:\n  prapp analytics improvements --json\n\nSee also: prapp drill, prapp analytics trends"
    )]
    Improvements(JsonArgs),
    /// Draw your score progression to an SVG or PNG file
    #[command(
        after_help = "Examples:\n  prapp analytics chart --out progress.svg\n  prapp analytics chart --dimension engagement --days 30 --out engagement.png\n\nSee also: prapp analytics trends"
    )]
    Chart(ChartArgs),
}

#[derive(Debug, Args)]
pub struct WindowArgs {
    /// Only the last N days
    #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=36_500))]
    pub days: u32,
    /// Everything, not only the last --days
    #[arg(long, conflicts_with = "days")]
    pub all_time: bool,
    /// Only sessions of this preparation type
    #[arg(short = 't', long = "type", value_name = "TYPE")]
    pub preparation_type: Option<String>,
}

impl WindowArgs {
    fn query(&self) -> crate::Result<TrendsQuery> {
        Ok(TrendsQuery {
            days: (!self.all_time).then_some(self.days),
            preparation_type: parse_type(self.preparation_type.as_deref())?,
        })
    }

    /// "last 90 days, interview" / "all time, all types"
    fn describe(&self) -> String {
        let window = if self.all_time {
            "all time".to_string()
        } else {
            format!("last {} days", self.days)
        };
        let types = self.preparation_type.as_deref().unwrap_or("all types");
        format!("{window}, {}", types.to_lowercase())
    }
}

fn parse_type(t: Option<&str>) -> crate::Result<Option<PreparationType>> {
    Ok(t.map(str::parse).transpose()?)
}

#[derive(Debug, Args)]
pub struct TrendsArgs {
    #[command(flatten)]
    pub window: WindowArgs,
    /// Print Trends as JSON, in the contract's shape (plus drill_effects)
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print the score progression as CSV rows, for spreadsheets
    #[arg(long)]
    pub csv: bool,
}

#[derive(Debug, Args)]
pub struct JsonArgs {
    /// Print as JSON, in the contract's shape
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ChartArgs {
    /// The file to write: .svg or .png
    #[arg(short, long, value_name = "FILE")]
    pub out: PathBuf,
    /// Which dimension to draw beside the overall score: all, or one of clarity_structure,
    /// relevance_focus, confidence_delivery, language_quality, tone_alignment, engagement
    #[arg(short, long, default_value = "all")]
    pub dimension: String,
    #[command(flatten)]
    pub window: WindowArgs,
}

pub fn run(ctx: &Ctx, cmd: AnalyticsCmd) -> Result<i32> {
    let practice = ctx.practice()?;
    match cmd {
        AnalyticsCmd::Trends(args) => {
            let trends = practice.trends(&args.window.query()?)?;
            if args.json || args.csv {
                // Machine output holds no colour and may be 100,000 rows: straight to a buffered
                // stdout, not through the stream that looks for escape codes to strip.
                let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                if args.json {
                    output::json(&mut out, &trends)?;
                } else {
                    csv(&mut out, &trends)?;
                }
                out.flush()?;
            } else if trends.evaluated_sessions == 0 {
                empty(&trends, &args.window)?;
            } else {
                render_trends(&mut output::stdout(), &trends, &args.window.describe())?;
            }
        }
        AnalyticsCmd::Improvements(args) => {
            let imp = practice.improvements()?;
            let mut out = output::stdout();
            if args.json {
                output::json(&mut out, &imp)?;
            } else if imp.improvements.is_empty() {
                writeln!(
                    output::hints(),
                    "no evaluated sessions yet — run `prapp session evaluate <id>` on a completed session (or `prapp evaluate --all-completed`)"
                )?;
            } else {
                render_improvements(&mut out, &imp)?;
            }
        }
        AnalyticsCmd::Chart(args) => {
            let dimensions: Vec<Dimension> = match args.dimension.trim() {
                "all" | "" => Dimension::ALL.to_vec(),
                d => vec![d.parse().map_err(Error::from)?],
            };
            // Check the file name before reading anything.
            chart::format_for(&args.out)?;
            let trends = practice.trends(&args.window.query()?)?;
            let points = &trends.score_progression;
            if points.is_empty() {
                return Err(Error::Input(format!(
                    "no evaluated sessions in the {} — nothing to chart; evaluate one with `prapp session evaluate <id>`{}",
                    args.window.describe(),
                    if args.window.all_time { "" } else { ", or widen with --all-time" }
                ))
                .into());
            }
            let span = match (points.first(), points.last()) {
                (Some(a), Some(b)) => format!(
                    "{} – {}",
                    a.evaluated_at
                        .with_timezone(&chrono::Local)
                        .format("%Y-%m-%d"),
                    b.evaluated_at
                        .with_timezone(&chrono::Local)
                        .format("%Y-%m-%d")
                ),
                _ => String::new(),
            };
            let subtitle = format!(
                "{} evaluation{}\n{span}\n{}",
                count(points.len()),
                plural(points.len()),
                args.window.describe()
            );
            // With one dimension, mark when its drills began: the picture of whether they help.
            let marks = match dimensions.as_slice() {
                [d] => trends
                    .drill_effects
                    .iter()
                    .filter(|fx| fx.dimension == *d && fx.evaluations_before > 0)
                    .filter_map(|fx| {
                        points
                            .iter()
                            .position(|p| p.evaluated_at >= fx.first_drill_at)
                            .map(|i| (i, "first drill".to_string()))
                    })
                    .collect(),
                _ => Vec::new(),
            };
            chart::write(
                &args.out,
                &chart::Chart {
                    points,
                    dimensions: &dimensions,
                    subtitle,
                    marks,
                },
            )?;
            writeln!(
                output::stdout(),
                "wrote {} — {} line{} over {} evaluation{}",
                args.out.display(),
                dimensions.len() + 1,
                plural(dimensions.len() + 1),
                count(points.len()),
                plural(points.len())
            )?;
        }
    }
    Ok(0)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// 100000 → "100,000".
fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn empty(t: &Trends, window: &WindowArgs) -> Result<()> {
    let mut err = output::hints();
    if t.total_sessions == 0 {
        writeln!(
            err,
            "no sessions in the {} — start one with `prapp session new --type interview`{}",
            window.describe(),
            if window.all_time {
                ""
            } else {
                ", or look further back with --all-time"
            }
        )?;
    } else {
        writeln!(
            err,
            "no evaluated sessions yet in the {} ({} session{}) — run `prapp session evaluate <id>` on a completed session (or `prapp evaluate --all-completed`)",
            window.describe(),
            t.total_sessions,
            plural(t.total_sessions)
        )?;
    }
    Ok(())
}

const CSV_HEADER: &str = "session_id,evaluated_at,overall_score,clarity_structure,relevance_focus,confidence_delivery,language_quality,tone_alignment,engagement";

fn csv(out: &mut impl Write, t: &Trends) -> std::io::Result<()> {
    writeln!(out, "{CSV_HEADER}")?;
    for p in &t.score_progression {
        let scores: Vec<String> = p
            .scores
            .to_array()
            .iter()
            .map(|v| format!("{v:.1}"))
            .collect();
        writeln!(
            out,
            "{},{},{:.1},{}",
            p.session_id,
            p.evaluated_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            p.overall_score,
            scores.join(",")
        )?;
    }
    Ok(())
}

/// How wide the sparklines are: one character per evaluation up to this, then bucket means.
const SPARK_WIDTH: usize = 24;

fn arrow(t: RecentTrend) -> &'static str {
    match t {
        RecentTrend::Improving => "↗",
        RecentTrend::Declining => "↘",
        RecentTrend::Stable => "→",
        RecentTrend::InsufficientData => "·",
    }
}

fn trend_style(t: RecentTrend) -> anstyle::Style {
    match t {
        RecentTrend::Improving => output::OK,
        RecentTrend::Declining => anstyle::AnsiColor::Red.on_default(),
        _ => DIM,
    }
}

/// `+0.6`, `-0.3`, and `±0.0` rather than a signed zero.
fn signed(x: f64) -> String {
    let r = analytics::round_to(x, 1);
    if r == 0.0 {
        "±0.0".to_string()
    } else {
        format!("{r:+.1}")
    }
}

/// "↗ +0.6" — the arrow and the change of the last 3 against the 3 before.
fn direction(values: &[f64]) -> String {
    let t = analytics::recent_trend(values);
    let change = analytics::recent_change(values)
        .map(|c| format!(" {}", signed(c)))
        .unwrap_or_default();
    paint(trend_style(t), format!("{}{change}", arrow(t)))
}

fn render_trends(out: &mut impl Write, t: &Trends, window: &str) -> std::io::Result<()> {
    let n = t.evaluated_sessions;
    writeln!(
        out,
        "{} {}",
        paint(BOLD, "Progress"),
        paint(DIM, format!("· {window}"))
    )?;
    let mut facts = vec![format!(
        "{} session{}, {} evaluated",
        count(t.total_sessions),
        plural(t.total_sessions),
        count(n)
    )];
    if let Some(avg) = t.overall_average {
        facts.push(format!("overall average {avg:.2}/10"));
    }
    if let Some(v) = t.improvement_velocity {
        facts.push(velocity(v));
    }
    facts.push(format!(
        "recent trend {}",
        paint(
            trend_style(t.recent_trend),
            format!("{} {}", arrow(t.recent_trend), t.recent_trend)
        )
    ));
    writeln!(out, "  {}", facts.join(" · "))?;
    writeln!(out)?;

    let overall: Vec<f64> = t
        .score_progression
        .iter()
        .map(|p| p.overall_score)
        .collect();
    let series: Vec<(String, f64, Vec<f64>)> = Dimension::ALL
        .iter()
        .map(|&d| {
            (
                d.label().to_string(),
                t.average_scores.map_or(0.0, |a| a.get(d)),
                analytics::series(&t.score_progression, d),
            )
        })
        .chain([(
            "Overall".to_string(),
            t.overall_average.unwrap_or_default(),
            overall.clone(),
        )])
        .collect();
    let sparks: Vec<Vec<f64>> = series
        .iter()
        .map(|(_, _, v)| analytics::downsample(v, SPARK_WIDTH))
        .collect();
    let all: Vec<f64> = sparks.iter().flatten().copied().collect();
    let (lo, hi) = plot::scale(&all, 1.0);
    let rows: Vec<Vec<String>> = series
        .iter()
        .zip(&sparks)
        .map(|((label, avg, values), spark)| {
            let name = if label == "Overall" {
                paint(BOLD, label)
            } else {
                label.clone()
            };
            vec![
                name,
                paint(output::score_style(*avg), format!("{avg:.1}")),
                plot::sparkline(spark, lo, hi),
                direction(values),
            ]
        })
        .collect();
    output::table(
        out,
        &[
            "DIMENSION",
            "AVG",
            &format!("PROGRESSION ({lo:.0}–{hi:.0})"),
            "RECENT",
        ],
        &rows,
    )?;

    writeln!(out)?;
    overall_chart(out, &overall, t)?;

    if !t.recurring_weaknesses.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", paint(BOLD, "Recurring weaknesses"))?;
        let rows: Vec<Vec<String>> = t
            .recurring_weaknesses
            .iter()
            .map(|w| {
                vec![
                    format!("  {}", w.dimension.label()),
                    format!("{} of {} evaluations", count(w.occurrences), count(n)),
                    format!("{:.0}%", w.share * 100.0),
                ]
            })
            .collect();
        table_rows(out, &rows)?;
    }

    writeln!(out)?;
    writeln!(out, "{}", paint(BOLD, "Drills"))?;
    if t.drill_effects.is_empty() {
        writeln!(
            out,
            "  none yet — `prapp drill` starts a session aimed at your weakest dimension"
        )?;
    }
    for fx in &t.drill_effects {
        let mean = |m: Option<f64>, k: usize| match m {
            Some(m) => format!("{m:.1} ({k} evaluation{})", plural(k)),
            None => "–".to_string(),
        };
        let change = match fx.change {
            Some(c) => paint(
                if c >= analytics::TREND_THRESHOLD {
                    output::OK
                } else {
                    DIM
                },
                signed(c),
            ),
            None => paint(DIM, "not enough evaluations to compare"),
        };
        writeln!(
            out,
            "  {}: {} before the first drill → {} after · {change} · {} drill session{}",
            fx.dimension.label(),
            mean(fx.mean_before, fx.evaluations_before),
            mean(fx.mean_after, fx.evaluations_after),
            fx.drill_sessions,
            plural(fx.drill_sessions)
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        paint(
            DIM,
            "Next: `prapp analytics improvements` · `prapp drill` · `prapp analytics chart --out progress.svg`"
        )
    )?;
    Ok(())
}

/// Rows without a header, padded like a table.
fn table_rows(out: &mut impl Write, rows: &[Vec<String>]) -> std::io::Result<()> {
    let mut buf = Vec::new();
    output::table(&mut buf, &["", "", ""], rows)?;
    let text = String::from_utf8_lossy(&buf);
    for line in text.lines().skip(1) {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// The overall score over time as a Braille line chart with a y axis and the first and last date.
fn overall_chart(out: &mut impl Write, overall: &[f64], t: &Trends) -> std::io::Result<()> {
    const HEIGHT: usize = 6;
    let width = output::wrap_width().map_or(60, |w| w.saturating_sub(10).clamp(20, 72));
    writeln!(
        out,
        "{}",
        paint(
            BOLD,
            format!(
                "Overall score, {} evaluation{}",
                count(overall.len()),
                plural(overall.len())
            )
        )
    )?;
    let values = analytics::downsample(overall, width * 2);
    let (lo, hi) = plot::scale(&values, 2.0);
    let rows = plot::line_chart(&values, lo, hi, width, HEIGHT);
    for (i, row) in rows.iter().enumerate() {
        let mid = (hi + lo) / 2.0;
        let label = match i {
            0 => format!("{hi:>4.0}"),
            _ if i == HEIGHT - 1 => format!("{lo:>4.0}"),
            _ if i == HEIGHT / 2 && mid.fract() == 0.0 => format!("{mid:>4.0}"),
            _ if i == HEIGHT / 2 => format!("{mid:>4.1}"),
            _ => "    ".to_string(),
        };
        writeln!(out, "{} ┤{}", paint(DIM, label), paint(output::COACH, row))?;
    }
    writeln!(out, "     └{}", "─".repeat(width))?;
    let date = |i: usize| {
        t.score_progression
            .get(i)
            .map(|p| output::local_time(&p.evaluated_at)[..10].to_string())
            .unwrap_or_default()
    };
    let (first, last) = (date(0), date(overall.len().saturating_sub(1)));
    let gap = (width + 1).saturating_sub(first.len() + last.len()).max(1);
    writeln!(out, "      {first}{}{last}", " ".repeat(gap))?;
    Ok(())
}

fn render_improvements(out: &mut impl Write, imp: &analytics::Improvements) -> std::io::Result<()> {
    let width = output::wrap_width();
    writeln!(out, "{}", paint(BOLD, "What to work on"))?;
    for (i, item) in imp.improvements.iter().enumerate() {
        let tag = match item.priority {
            Priority::High => paint(output::score_style(0.0), "high"),
            Priority::Medium => paint(output::score_style(5.0), "medium"),
            Priority::Low => paint(DIM, "low"),
        };
        writeln!(
            out,
            "  {}. {} [{tag}] {}",
            i + 1,
            paint(BOLD, item.dimension.label()),
            paint(
                DIM,
                format!(
                    "latest {:.1} · named in {} evaluation{}",
                    item.latest_score,
                    count(item.occurrences),
                    plural(item.occurrences)
                )
            )
        )?;
        output::paragraph(out, &item.suggestion, "     ", width)?;
        writeln!(
            out,
            "     {}",
            paint(
                DIM,
                format!("drill: prapp drill --dimension {}", item.dimension.short())
            )
        )?;
    }
    if !imp.practice_suggestions.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", paint(BOLD, "Practice next"))?;
        for (i, p) in imp.practice_suggestions.iter().enumerate() {
            output::bullet(out, &format!("{}.", i + 1), p, width)?;
        }
    }
    Ok(())
}

/// The slope in a unit that shows it: "+0.12 per session", or "+0.12 per 1,000 sessions" for a
/// slow rise over a long history (per session it would print as +0.000).
fn velocity(v: f64) -> String {
    let mut per = 1usize;
    while v != 0.0 && (v * per as f64).abs() < 0.1 && per < 1_000_000 {
        per *= 10;
    }
    if per == 1 {
        format!("velocity {v:+.2} per session")
    } else {
        format!(
            "velocity {:+.2} per {} sessions",
            v * per as f64,
            count(per)
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn velocity_is_shown_in_a_unit_that_keeps_it_visible() {
        assert_eq!(super::velocity(0.3), "velocity +0.30 per session");
        assert_eq!(
            super::velocity(0.00012),
            "velocity +0.12 per 1,000 sessions"
        );
        assert_eq!(super::velocity(-0.02), "velocity -0.20 per 10 sessions");
        assert_eq!(super::velocity(0.0), "velocity +0.00 per session");
    }

    #[test]
    fn counts_are_grouped_in_thousands() {
        assert_eq!(super::count(0), "0");
        assert_eq!(super::count(999), "999");
        assert_eq!(super::count(1000), "1,000");
        assert_eq!(super::count(100_000), "100,000");
        assert_eq!(super::count(1_234_567), "1,234,567");
    }
}
