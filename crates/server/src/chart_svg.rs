//! Draws a goal's [`ChartValues`] as an SVG with `plotters`, in the viewer's language,
//! with the `<title>` and `<desc>` a screen reader announces.

use alliance_domain::model::Measure;
use chrono::{DateTime, Datelike, Duration, Utc};
use plotters::coord::Shift;
use plotters::coord::types::RangedDateTime;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use self::labels::Labels;
pub use self::labels::Language;
use crate::charts::ChartValues;

const WIDTH: u32 = 900;
const HEIGHT: u32 = 540;
const SIDE: i32 = 28;
/// The radius of a plotted progress point; the legend's marker is smaller.
pub const POINT_RADIUS: i32 = 6;

// Colour-blind-safe hues, each at least 4.5:1 against white.
pub const PROGRESS_COLOUR: RGBColor = RGBColor(0x0B, 0x5C, 0xAD);
pub const TREND_COLOUR: RGBColor = RGBColor(0xB3, 0x40, 0x0A);
pub const AIM_COLOUR: RGBColor = RGBColor(0x0F, 0x76, 0x5A);
pub const TARGET_COLOUR: RGBColor = RGBColor(0x4A, 0x55, 0x68);
const NOTE_COLOUR: RGBColor = RGBColor(0x6B, 0x72, 0x80);
const TEXT_COLOUR: RGBColor = RGBColor(0x1F, 0x29, 0x33);
const GRID_COLOUR: RGBColor = RGBColor(0xE5, 0xE7, 0xEB);

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Drawn = Result<(), DrawingAreaErrorKind<std::io::Error>>;

/// One goal's chart, ready to draw.
#[derive(Debug)]
pub struct Chart<'a> {
    pub own_words: &'a str,
    pub measure: Option<&'a Measure>,
    pub values: &'a ChartValues,
    /// Every entry of the goal, including any older than those drawn.
    pub total_entries: usize,
    pub language: Language,
}

impl Chart<'_> {
    /// The SVG document.
    pub fn render(&self) -> String {
        let labels = Labels::of(self.language);
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
            if let Err(error) = self.draw(&root, &labels).and_then(|()| root.present()) {
                tracing::error!(%error, "could not draw a goal chart");
            }
        }
        let desc = labels.summary(self);
        accessible(&svg, self.language.tag(), self.own_words, &desc)
    }

    fn draw(&self, root: &Area<'_>, labels: &Labels) -> Drawn {
        root.fill(&WHITE)?;
        let mut y = 22;
        for line in wrap(&clean(self.own_words), 64, 3) {
            root.draw(&Text::new(
                line,
                (SIDE, y),
                bold(22.0, TEXT_COLOUR).pos(top_left()),
            ))?;
            y += 30;
        }
        let Some(measure) = self.measure else {
            let centre = (WIDTH as i32 / 2, (HEIGHT as i32 + y) / 2);
            let style = font(18.0, TARGET_COLOUR).pos(Pos::new(HPos::Center, VPos::Center));
            return root.draw(&Text::new(labels.no_measure, centre, style));
        };
        let subtitle = clean(&labels.subtitle(measure));
        root.draw(&Text::new(
            subtitle,
            (SIDE, y + 2),
            font(15.0, TARGET_COLOUR).pos(top_left()),
        ))?;
        let header = y + 32;
        let (_, body) = root.split_vertically(header);
        let (plot, legend) = body.split_vertically(HEIGHT as i32 - header - 44);
        self.draw_plot(&plot, measure, labels)?;
        self.draw_legend(&legend, labels)
    }

    fn draw_plot(&self, area: &Area<'_>, measure: &Measure, labels: &Labels) -> Drawn {
        let values = self.values;
        let (x0, x1) = self.x_range();
        let (y0, y1) = self.y_range(measure);
        let with_year = x0.year() != x1.year();
        let date = |d: &DateTime<Utc>| labels.date(*d, with_year);
        let number = |v: &f64| labels.number(*v);
        let x_desc = if with_year {
            labels.date_axis.to_owned()
        } else {
            format!("{} ({})", labels.date_axis, x1.year())
        };
        let mut chart = ChartBuilder::on(area)
            .margin_top(8)
            .margin_left(SIDE - 8)
            .margin_right(SIDE + 8)
            .x_label_area_size(54)
            .y_label_area_size(64)
            .build_cartesian_2d(RangedDateTime::from(x0..x1), y0..y1)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            // Transparent rather than none: plotters overflows when asked for zero light lines.
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID_COLOUR)
            .axis_style(TARGET_COLOUR)
            .x_labels(7)
            .y_labels(6)
            .x_label_formatter(&date)
            .y_label_formatter(&number)
            .label_style(font(13.0, TARGET_COLOUR))
            .axis_desc_style(font(14.0, TEXT_COLOUR))
            .x_desc(x_desc)
            .y_desc(clean(measure.unit.as_deref().unwrap_or(&measure.name)))
            .draw()?;

        if let Some(target) = values.target {
            let line = [(x0, target), (x1, target)];
            chart.draw_series(DashedLineSeries::new(
                line,
                3,
                5,
                TARGET_COLOUR.stroke_width(2),
            ))?;
            let text = format!("{} {}", labels.target, labels.number(target));
            let style = font(13.0, TARGET_COLOUR).pos(Pos::new(HPos::Left, VPos::Bottom));
            chart
                .plotting_area()
                .draw(&(EmptyElement::at((x0, target)) + Text::new(text, (8, -6), style)))?;
        }
        if let Some(aim) = values.aim {
            let line = [(aim.from.at, aim.from.value), (aim.to.at, aim.to.value)];
            chart.draw_series(DashedLineSeries::new(
                line,
                10,
                6,
                AIM_COLOUR.stroke_width(3),
            ))?;
        }
        if let Some(trend) = values.trend {
            let line = [
                (trend.from.at, trend.from.value),
                (trend.to.at, trend.to.value),
            ];
            chart.draw_series(LineSeries::new(line, TREND_COLOUR.stroke_width(3)))?;
        }
        chart.draw_series(values.notes.iter().map(|at| {
            EmptyElement::at((*at, y0)) + TriangleMarker::new((0, -8), 6, NOTE_COLOUR.filled())
        }))?;
        chart.draw_series(
            values
                .points
                .iter()
                .map(|p| Circle::new((p.at, p.value), POINT_RADIUS, PROGRESS_COLOUR.filled())),
        )?;
        // Families read numbers more easily than gridlines; a crowded chart keeps only the latest.
        let latest = values.points.len().saturating_sub(1);
        let few = values.points.len() <= 12;
        chart.draw_series(
            values
                .points
                .iter()
                .enumerate()
                .filter(|(i, _)| few || *i == latest)
                .map(|(i, p)| {
                    let style = if i == latest {
                        bold(15.0, PROGRESS_COLOUR)
                    } else {
                        font(13.0, PROGRESS_COLOUR)
                    };
                    let text = Text::new(
                        labels.number(p.value),
                        (0, -10),
                        style.pos(Pos::new(HPos::Center, VPos::Bottom)),
                    );
                    EmptyElement::at((p.at, p.value)) + text
                }),
        )?;
        if values.points.is_empty() {
            let (w, h) = chart.plotting_area().dim_in_pixel();
            let style = font(18.0, TARGET_COLOUR).pos(Pos::new(HPos::Center, VPos::Center));
            let centre = (SIDE + 56 + w as i32 / 2, 8 + h as i32 / 3);
            area.draw(&Text::new(labels.no_values, centre, style))?;
        }
        Ok(())
    }

    fn draw_legend(&self, area: &Area<'_>, labels: &Labels) -> Drawn {
        let values = self.values;
        let y = 18;
        let mut x = SIDE + 56;
        let entry = |x: &mut i32, name: &str| {
            let style = font(14.0, TEXT_COLOUR).pos(Pos::new(HPos::Left, VPos::Center));
            area.draw(&Text::new(name.to_owned(), (*x + 32, y), style))?;
            *x += 32 + 8 * name.chars().count() as i32 + 28;
            Ok::<(), DrawingAreaErrorKind<std::io::Error>>(())
        };
        if !values.points.is_empty() {
            area.draw(&Circle::new(
                (x + 12, y),
                POINT_RADIUS - 1,
                PROGRESS_COLOUR.filled(),
            ))?;
            entry(&mut x, labels.progress)?;
        }
        if values.trend.is_some() {
            area.draw(&PathElement::new(
                [(x, y), (x + 24, y)],
                TREND_COLOUR.stroke_width(3),
            ))?;
            entry(&mut x, labels.trend)?;
        }
        if values.aim.is_some() {
            for (from, to) in [(0, 10), (16, 24)] {
                area.draw(&PathElement::new(
                    [(x + from, y), (x + to, y)],
                    AIM_COLOUR.stroke_width(3),
                ))?;
            }
            entry(&mut x, labels.aim)?;
        }
        if values.target.is_some() {
            for dash in [0, 8, 16] {
                area.draw(&PathElement::new(
                    [(x + dash, y), (x + dash + 3, y)],
                    TARGET_COLOUR.stroke_width(2),
                ))?;
            }
            entry(&mut x, labels.target)?;
        }
        if !values.notes.is_empty() {
            area.draw(&TriangleMarker::new((x + 12, y), 6, NOTE_COLOUR.filled()))?;
            entry(&mut x, labels.note_only)?;
        }
        Ok(())
    }

    /// From the earliest to the latest time drawn, the aim line's ends included.
    fn x_range(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let values = self.values;
        let aim = values.aim.iter().flat_map(|a| [a.from.at, a.to.at]);
        let times = values
            .points
            .iter()
            .map(|p| p.at)
            .chain(values.notes.iter().copied())
            .chain(aim);
        let (lo, hi) = times.fold(
            (None, None),
            |(lo, hi): (Option<DateTime<Utc>>, Option<DateTime<Utc>>), t| {
                (
                    Some(lo.map_or(t, |lo| lo.min(t))),
                    Some(hi.map_or(t, |hi| hi.max(t))),
                )
            },
        );
        let lo = lo.unwrap_or_else(Utc::now);
        let hi = hi.unwrap_or(lo).max(lo + Duration::days(7));
        let pad = ((hi - lo) / 30).max(Duration::days(1));
        (lo - pad, hi + pad)
    }

    /// Every value drawn, the baseline and target included, with room for the labels.
    fn y_range(&self, measure: &Measure) -> (f64, f64) {
        let values = self.values;
        let lines = values
            .trend
            .iter()
            .chain(values.aim.iter())
            .flat_map(|s| [s.from.value, s.to.value]);
        let all = values
            .points
            .iter()
            .map(|p| p.value)
            .chain(lines)
            .chain([measure.baseline, measure.target]);
        let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
        let pad = if hi > lo { (hi - lo) * 0.15 } else { 1.0 };
        // Counts and scores are rarely negative: do not invent room below zero.
        let floor = if lo >= 0.0 {
            (lo - pad).max(0.0)
        } else {
            lo - pad
        };
        (floor, hi + pad)
    }
}

fn top_left() -> Pos {
    Pos::new(HPos::Left, VPos::Top)
}

/// A sans-serif style of `px` pixels (plotters' SVG backend writes the size ÷ 1.24).
fn font(px: f64, colour: RGBColor) -> TextStyle<'static> {
    ("sans-serif", px * 1.24).into_font().color(&colour)
}

fn bold(px: f64, colour: RGBColor) -> TextStyle<'static> {
    ("sans-serif", px * 1.24, FontStyle::Bold)
        .into_font()
        .color(&colour)
}

/// Replaces the characters XML 1.0 cannot carry (control characters, U+FFFE, U+FFFF).
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// Escapes text for XML content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in clean(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            other => out.push(other),
        }
    }
    out
}

/// Breaks `text` into at most `lines` lines of about `width` characters, ending in `…`
/// where it had to cut.
fn wrap(text: &str, width: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    let mut current = String::new();
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > width {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            out.push(word.drain(..width).collect());
        }
        let length = current.chars().count();
        if length > 0 && length + 1 + word.len() > width {
            out.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.extend(word);
    }
    if !current.is_empty() {
        out.push(current);
    }
    if out.len() > lines {
        out.truncate(lines);
        if let Some(last) = out.last_mut() {
            let kept: String = last.chars().take(width - 1).collect();
            *last = format!("{}…", kept.trim_end());
        }
    }
    out
}

/// Gives the root `<svg>` an image role and a language, and `<title>` and `<desc>` as its
/// first children: plotters writes none of them.
fn accessible(svg: &str, lang: &str, title: &str, desc: &str) -> String {
    let Some(end) = svg
        .find("<svg")
        .and_then(|start| svg[start..].find('>').map(|i| start + i))
    else {
        return svg.to_owned();
    };
    format!(
        "{head} role=\"img\" aria-labelledby=\"chart-title chart-desc\" lang=\"{lang}\">\n\
         <title id=\"chart-title\">{title}</title>\n<desc id=\"chart-desc\">{desc}</desc>{rest}",
        head = &svg[..end],
        lang = escape(lang),
        title = escape(title),
        desc = escape(desc),
        rest = &svg[end + 1..],
    )
}

mod labels {
    //! The chart's words in each language it speaks.

    use alliance_domain::model::Measure;
    use alliance_domain::values::Direction;
    use chrono::{DateTime, Datelike, NaiveTime, Utc};

    use super::Chart;

    /// A language the chart is written in.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Language {
        English,
        Spanish,
    }

    impl Language {
        /// The language of a BCP 47 tag (`es-MX` is Spanish), if the chart speaks it.
        pub fn from_tag(tag: &str) -> Option<Self> {
            let primary = tag.trim().split(['-', '_']).next()?;
            match primary.to_ascii_lowercase().as_str() {
                "en" => Some(Self::English),
                "es" => Some(Self::Spanish),
                _ => None,
            }
        }

        /// Its BCP 47 tag.
        pub fn tag(self) -> &'static str {
            match self {
                Self::English => "en",
                Self::Spanish => "es",
            }
        }
    }

    pub(super) struct Labels {
        language: Language,
        pub progress: &'static str,
        pub trend: &'static str,
        pub aim: &'static str,
        pub target: &'static str,
        pub note_only: &'static str,
        pub date_axis: &'static str,
        pub no_measure: &'static str,
        pub no_values: &'static str,
        months: [&'static str; 12],
    }

    const ENGLISH: Labels = Labels {
        language: Language::English,
        progress: "Progress",
        trend: "Trend",
        aim: "Aim line",
        target: "Target",
        note_only: "Note without a number",
        date_axis: "Date",
        no_measure: "No data yet: this goal has no measure to chart.",
        no_values: "No data yet: no measurements so far.",
        months: [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ],
    };

    const SPANISH: Labels = Labels {
        language: Language::Spanish,
        progress: "Progreso",
        trend: "Tendencia",
        aim: "Camino a la meta",
        target: "Meta",
        note_only: "Nota sin número",
        date_axis: "Fecha",
        no_measure: "Aún no hay datos: esta meta no tiene una medida.",
        no_values: "Aún no hay datos: todavía no hay mediciones.",
        months: [
            "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
        ],
    };

    impl Labels {
        pub fn of(language: Language) -> Self {
            match language {
                Language::English => ENGLISH,
                Language::Spanish => SPANISH,
            }
        }

        fn spanish(&self) -> bool {
            self.language == Language::Spanish
        }

        /// `Sep 7` / `7 sept`, with the year when asked.
        pub fn date(&self, at: DateTime<Utc>, with_year: bool) -> String {
            let month = self.months[at.month0() as usize];
            match (self.spanish(), with_year) {
                (false, false) => format!("{month} {}", at.day()),
                (false, true) => format!("{month} {}, {}", at.day(), at.year()),
                (true, false) => format!("{} {month}", at.day()),
                (true, true) => format!("{} {month} {}", at.day(), at.year()),
            }
        }

        /// At most two decimals, none when whole, with the language's decimal mark.
        pub fn number(&self, value: f64) -> String {
            let text = format!("{:.2}", (value * 100.0).round() / 100.0);
            let text = text.trim_end_matches('0').trim_end_matches('.');
            let text = if text == "-0" { "0" } else { text };
            if self.spanish() {
                text.replace('.', ",")
            } else {
                text.to_owned()
            }
        }

        fn signed(&self, value: f64) -> String {
            let text = self.number(value);
            if text.starts_with('-') || text == "0" {
                text
            } else {
                format!("+{text}")
            }
        }

        fn percent(&self, value: f64) -> String {
            let whole = value.round();
            if self.spanish() {
                format!("{whole} %")
            } else {
                format!("{whole}%")
            }
        }

        /// The measure, its unit, which way is better and when the target is due.
        pub fn subtitle(&self, measure: &Measure) -> String {
            let mut text = match &measure.unit {
                Some(unit) => format!("{} ({unit})", measure.name),
                None => measure.name.clone(),
            };
            let better = match (measure.direction, self.spanish()) {
                (Direction::Increase, false) => "higher is better",
                (Direction::Decrease, false) => "lower is better",
                (Direction::Increase, true) => "más es mejor",
                (Direction::Decrease, true) => "menos es mejor",
            };
            text = format!("{text} · {better}");
            if let Some(date) = measure.target_date {
                let date = self.date(date.and_time(NaiveTime::MIN).and_utc(), true);
                let due = if self.spanish() {
                    "meta para el"
                } else {
                    "target by"
                };
                text = format!("{text} · {due} {date}");
            }
            text
        }

        /// The `<desc>` sentence: entries, latest value, percent of target, trend.
        pub fn summary(&self, chart: &Chart<'_>) -> String {
            let values = chart.values;
            let (n, k) = (chart.total_entries, values.points.len());
            let mut text = match (self.spanish(), n == 1) {
                (false, true) => format!("1 progress entry, {k} with a value."),
                (false, false) => format!("{n} progress entries, {k} with a value."),
                (true, true) => format!("1 registro de progreso, {k} con valor."),
                (true, false) => format!("{n} registros de progreso, {k} con valor."),
            };
            let Some(measure) = chart.measure else {
                return format!("{text} {}", self.no_measure);
            };
            let summary = &values.summary;
            let Some(latest) = summary.latest_value else {
                return format!("{text} {}", self.no_values);
            };
            let unit = measure
                .unit
                .as_deref()
                .map(|u| format!(" {u}"))
                .unwrap_or_default();
            let latest = self.number(latest);
            text += &if self.spanish() {
                format!(" Último valor: {latest}{unit}")
            } else {
                format!(" Latest value: {latest}{unit}")
            };
            if let Some(percent) = summary.percent_of_target {
                let (p, from, to) = (
                    self.percent(percent),
                    self.number(measure.baseline),
                    self.number(measure.target),
                );
                text += &if self.spanish() {
                    format!(", {p} del camino de {from} a la meta de {to}")
                } else {
                    format!(", {p} of the way from {from} to the target of {to}")
                };
            }
            text.push('.');
            if let Some(slope) = summary.slope_per_week {
                let slope = self.signed(slope);
                text += &if self.spanish() {
                    format!(" Tendencia: {slope}{unit} por semana.")
                } else {
                    format!(" Trend: {slope}{unit} per week.")
                };
            }
            if let Some(needed) = summary.needed_rate_per_week {
                let needed = self.signed(needed);
                text += &if self.spanish() {
                    format!(" Para llegar a tiempo hace falta {needed} por semana.")
                } else {
                    format!(" Reaching the target on time needs {needed} per week.")
                };
            }
            text
        }
    }
}
