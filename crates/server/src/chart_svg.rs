//! Draws a goal's [`ChartValues`] as an SVG with `plotters`, in the viewer's language,
//! with the `<title>` and `<desc>` a screen reader announces.

use alliance_domain::model::Measure;
use chrono::{DateTime, Datelike, Duration, Utc};
use plotters::coord::Shift;
use plotters::coord::types::{RangedCoordf64, RangedDateTime};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use self::labels::Labels;
pub use self::labels::Language;
use alliance_domain::chart::ChartValues;

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
const MUTED_COLOUR: RGBColor = RGBColor(0x4A, 0x55, 0x68);
const TEXT_COLOUR: RGBColor = RGBColor(0x1F, 0x29, 0x33);
const GRID_COLOUR: RGBColor = RGBColor(0xE5, 0xE7, 0xEB);
const PANEL_COLOUR: RGBColor = RGBColor(0xF3, 0xF4, 0xF6);
const TODAY_COLOUR: RGBColor = RGBColor(0xCB, 0xD2, 0xD9);

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Plot<'a> =
    DrawingArea<SVGBackend<'a>, Cartesian2d<RangedDateTime<DateTime<Utc>>, RangedCoordf64>>;
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
    /// Marked on the time axis when it falls within it.
    pub today: DateTime<Utc>,
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
        // Quoted, because these are the family's words, not the team's.
        let mut title = wrap(&clean(self.own_words), 62, 3);
        if let (Some(first), Some(last)) = (title.first().cloned(), title.len().checked_sub(1)) {
            title[0] = format!("{}{first}", labels.open_quote);
            title[last].push_str(labels.close_quote);
        }
        let mut y = 22;
        for line in title {
            root.draw(&Text::new(
                line,
                (SIDE, y),
                bold(22.0, TEXT_COLOUR).pos(top_left()),
            ))?;
            y += 30;
        }
        let Some(measure) = self.measure else {
            let panel = ((SIDE, y + 24), (WIDTH as i32 - SIDE, HEIGHT as i32 - SIDE));
            return draw_message(root, panel, labels.no_measure, labels.no_measure_hint);
        };
        let subtitle = clean(&labels.subtitle(measure));
        root.draw(&Text::new(
            subtitle,
            (SIDE, y + 2),
            font(15.0, MUTED_COLOUR).pos(top_left()),
        ))?;
        let header = y + 32;
        let (_, body) = root.split_vertically(header);
        let (plot, legend) = body.split_vertically(HEIGHT as i32 - header - 44);
        self.draw_plot(&plot, measure, labels)?;
        self.draw_legend(&legend, labels)
    }

    fn draw_plot(&self, area: &Area<'_>, measure: &Measure, labels: &Labels) -> Drawn {
        let (x0, x1) = self.x_range();
        let (y0, y1) = self.y_range(measure);
        // Beyond about a year, days stop meaning much: label months of years instead.
        let long = x1 - x0 > Duration::days(400);
        let x_desc = match (long, x0.year() == x1.year()) {
            (true, _) => labels.date_axis.to_owned(),
            (false, true) => format!("{} ({})", labels.date_axis, x0.year()),
            (false, false) => format!("{} ({}–{})", labels.date_axis, x0.year(), x1.year()),
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
            .axis_style(MUTED_COLOUR)
            .x_labels(7)
            .y_labels(6)
            .x_label_formatter(&|d| labels.tick(*d, long))
            .y_label_formatter(&|v| labels.number(*v))
            .label_style(font(13.0, MUTED_COLOUR))
            .axis_desc_style(font(14.0, TEXT_COLOUR))
            .x_desc(x_desc)
            .y_desc(clean(measure.unit.as_deref().unwrap_or(&measure.name)))
            .draw()?;
        let plot = chart.plotting_area().clone();

        if (x0..x1).contains(&self.today) {
            let line = [(self.today, y0), (self.today, y1)];
            plot.draw(&PathElement::new(line, TODAY_COLOUR.stroke_width(2)))?;
            let style = font(12.0, MUTED_COLOUR).pos(Pos::new(HPos::Center, VPos::Top));
            plot.draw(
                &(EmptyElement::at((self.today, y1)) + Text::new(labels.today, (0, 2), style)),
            )?;
        }
        let values = self.values;
        // Inside the drawn range, always: plotters' pixel mapping overflows on values far
        // outside it (a range that fell back to 0..1 for absurd values).
        let y = |value: f64| value.clamp(y0, y1);
        if let Some(target) = values.target.map(y) {
            let line = [(x0, target), (x1, target)];
            chart.draw_series(DashedLineSeries::new(
                line,
                3,
                5,
                TARGET_COLOUR.stroke_width(2),
            ))?;
            let text = format!("{} {}", labels.target, labels.number(target));
            let style = font(13.0, TARGET_COLOUR).pos(Pos::new(HPos::Left, VPos::Bottom));
            plot.draw(&(EmptyElement::at((x0, target)) + Text::new(text, (8, -6), style)))?;
        }
        if let Some(aim) = values.aim {
            let line = [
                (aim.from.at, y(aim.from.value)),
                (aim.to.at, y(aim.to.value)),
            ];
            chart.draw_series(DashedLineSeries::new(
                line,
                10,
                6,
                AIM_COLOUR.stroke_width(3),
            ))?;
        }
        if let Some(trend) = values.trend {
            let line = [
                (trend.from.at, y(trend.from.value)),
                (trend.to.at, y(trend.to.value)),
            ];
            chart.draw_series(LineSeries::new(line, TREND_COLOUR.stroke_width(3)))?;
        }
        let notes = values.notes.iter().map(|at| {
            EmptyElement::at((*at, y0)) + TriangleMarker::new((0, -8), 6, NOTE_COLOUR.filled())
        });
        chart.draw_series(notes)?;
        let points = values
            .points
            .iter()
            .map(|p| Circle::new((p.at, y(p.value)), POINT_RADIUS, PROGRESS_COLOUR.filled()));
        chart.draw_series(points)?;
        self.draw_point_labels(&plot, labels, (y0, y1))?;
        if values.points.is_empty() {
            // The plot's pixels are absolute; the area draws relative to its corner.
            let (xs, ys) = plot.get_pixel_range();
            let (base_x, base_y) = area.get_base_pixel();
            let (middle, top) = ((xs.start + xs.end) / 2 - base_x, ys.start - base_y + 40);
            let panel = ((middle - 270, top), (middle + 270, top + 90));
            draw_message(area, panel, labels.no_values, labels.no_values_hint)?;
        }
        Ok(())
    }

    /// Each point's value above it on a white backdrop, so lines never hide it; a
    /// crowded chart labels only the latest.
    fn draw_point_labels(&self, plot: &Plot<'_>, labels: &Labels, (y0, y1): (f64, f64)) -> Drawn {
        let points = &self.values.points;
        let latest = points.len().saturating_sub(1);
        for (i, point) in points.iter().enumerate() {
            if points.len() > 12 && i != latest {
                continue;
            }
            let text = labels.number(point.value);
            let (px, style) = if i == latest {
                (15, bold(15.0, PROGRESS_COLOUR))
            } else {
                (13, font(13.0, PROGRESS_COLOUR))
            };
            let half = text.chars().count() as i32 * px * 7 / 20 + 5;
            let backdrop = Rectangle::new([(-half, -13 - px), (half, -9)], WHITE.filled());
            let text = Text::new(
                text,
                (0, -10),
                style.pos(Pos::new(HPos::Center, VPos::Bottom)),
            );
            let at = (point.at, point.value.clamp(y0, y1));
            plot.draw(&(EmptyElement::at(at) + backdrop + text))?;
        }
        Ok(())
    }

    fn draw_legend(&self, area: &Area<'_>, labels: &Labels) -> Drawn {
        let values = self.values;
        let entries = [
            (!values.points.is_empty(), Marker::Point, labels.progress),
            (
                values.trend.is_some(),
                Marker::Dashes(TREND_COLOUR, 3, &[(0, 24)]),
                labels.trend,
            ),
            (
                values.aim.is_some(),
                Marker::Dashes(AIM_COLOUR, 3, &[(0, 10), (16, 24)]),
                labels.aim,
            ),
            (
                values.target.is_some(),
                Marker::Dashes(TARGET_COLOUR, 2, &[(0, 3), (8, 11), (16, 19)]),
                labels.target,
            ),
            (!values.notes.is_empty(), Marker::Triangle, labels.note_only),
        ];
        let (y, mut x) = (18, SIDE + 56);
        for (_, marker, name) in entries.into_iter().filter(|(shown, _, _)| *shown) {
            match marker {
                Marker::Point => area.draw(&Circle::new(
                    (x + 12, y),
                    POINT_RADIUS - 1,
                    PROGRESS_COLOUR.filled(),
                ))?,
                Marker::Triangle => {
                    area.draw(&TriangleMarker::new((x + 12, y), 6, NOTE_COLOUR.filled()))?
                }
                Marker::Dashes(colour, width, dashes) => {
                    for (from, to) in dashes {
                        area.draw(&PathElement::new(
                            [(x + from, y), (x + to, y)],
                            colour.stroke_width(width),
                        ))?;
                    }
                }
            }
            let style = font(14.0, TEXT_COLOUR).pos(Pos::new(HPos::Left, VPos::Center));
            area.draw(&Text::new(name, (x + 32, y), style))?;
            x += 60 + 8 * name.chars().count() as i32;
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
        let times: Vec<_> = times.collect();
        let lo = times.iter().min().copied().unwrap_or(self.today);
        let week_later = lo.checked_add_signed(Duration::days(7)).unwrap_or(lo);
        let hi = times.iter().max().copied().unwrap_or(lo).max(week_later);
        let pad = ((hi - lo) / 30).max(Duration::days(1));
        let start = lo.checked_sub_signed(pad).unwrap_or(lo);
        (start, hi.checked_add_signed(pad).unwrap_or(hi))
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
        // Counts and scores start at zero: show it when it is near, never go below it.
        let floor = if lo >= 0.0 && lo <= (hi - lo) * 0.5 {
            0.0
        } else if lo >= 0.0 {
            (lo - pad).max(0.0)
        } else {
            lo - pad
        };
        let top = hi + pad;
        // Absurd measures (1e308) must not send plotters looking for infinitely many ticks.
        if floor.is_finite() && top.is_finite() {
            (floor, top)
        } else {
            (0.0, 1.0)
        }
    }
}

/// How the legend shows a series.
enum Marker {
    Point,
    Triangle,
    /// Colour, stroke width, and the dashes' spans in pixels.
    Dashes(RGBColor, u32, &'static [(i32, i32)]),
}

/// A message on a soft panel, in place of what cannot be drawn yet.
fn draw_message(
    area: &Area<'_>,
    panel: ((i32, i32), (i32, i32)),
    headline: &str,
    hint: &str,
) -> Drawn {
    let ((left, top), (right, bottom)) = panel;
    area.draw(&Rectangle::new(
        [(left, top), (right, bottom)],
        PANEL_COLOUR.filled(),
    ))?;
    let centre = |dy| ((left + right) / 2, (top + bottom) / 2 + dy);
    let at = Pos::new(HPos::Center, VPos::Center);
    area.draw(&Text::new(
        headline,
        centre(-14),
        bold(18.0, TEXT_COLOUR).pos(at),
    ))?;
    area.draw(&Text::new(
        hint,
        centre(16),
        font(15.0, MUTED_COLOUR).pos(at),
    ))
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
        pub today: &'static str,
        pub open_quote: &'static str,
        pub close_quote: &'static str,
        pub date_axis: &'static str,
        pub no_measure: &'static str,
        pub no_values: &'static str,
        pub no_measure_hint: &'static str,
        pub no_values_hint: &'static str,
        months: [&'static str; 12],
    }

    const ENGLISH: Labels = Labels {
        language: Language::English,
        progress: "Progress",
        trend: "Trend",
        aim: "Aim line",
        target: "Target",
        note_only: "Note without a number",
        today: "Today",
        open_quote: "“",
        close_quote: "”",
        date_axis: "Date",
        no_measure: "No data yet: this goal has no measure to chart.",
        no_values: "No data yet: no measurements so far.",
        no_measure_hint: "Progress will show here once the team agrees how to measure it.",
        no_values_hint: "Each measurement the team records will appear as a dot.",
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
        today: "Hoy",
        open_quote: "«",
        close_quote: "»",
        date_axis: "Fecha",
        no_measure: "Aún no hay datos: esta meta no tiene una medida.",
        no_values: "Aún no hay datos: todavía no hay mediciones.",
        no_measure_hint: "El progreso aparecerá aquí cuando el equipo acuerde cómo medirlo.",
        no_values_hint: "Cada medición que registre el equipo aparecerá como un punto.",
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

        /// A time axis label: the day, or the month and year on a long axis.
        pub fn tick(&self, at: DateTime<Utc>, long: bool) -> String {
            if !long {
                return self.date(at, false);
            }
            format!("{} {}", self.months[at.month0() as usize], at.year())
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
            let (k, drawn) = (
                values.points.len(),
                values.points.len() + values.notes.len(),
            );
            let n = chart.total_entries.max(drawn);
            let mut text = match (self.spanish(), n == 1, n > drawn) {
                (false, true, _) => format!("1 progress entry, {k} with a value."),
                (false, false, false) => format!("{n} progress entries, {k} with a value."),
                (false, false, true) => format!(
                    "{n} progress entries; the latest {drawn} are drawn, {k} of them with a value."
                ),
                (true, true, _) => format!("1 registro de progreso, {k} con valor."),
                (true, false, false) => format!("{n} registros de progreso, {k} con valor."),
                (true, false, true) => format!(
                    "{n} registros de progreso; se muestran los últimos {drawn}, {k} con valor."
                ),
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

#[cfg(test)]
mod tests {
    use alliance_domain::progress::Observation;
    use alliance_domain::values::Direction;
    use chrono::NaiveDate;

    use super::*;
    use alliance_domain::chart::chart_values;

    #[test]
    fn long_words_wrap_and_what_does_not_fit_ends_in_an_ellipsis() {
        assert_eq!(wrap("one two three", 7, 3), ["one two", "three"]);
        assert_eq!(wrap("abcdefghij", 4, 3), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("a b c d e f", 3, 2), ["a b", "c…"]);
    }

    #[test]
    fn user_text_is_escaped_for_xml_and_loses_control_characters() {
        assert_eq!(
            escape("<b> & \"q\" 'a'\u{1}"),
            "&lt;b&gt; &amp; &quot;q&quot; &apos;a&apos; "
        );
    }

    #[test]
    fn languages_are_read_from_bcp47_tags() {
        assert_eq!(Language::from_tag("es-419"), Some(Language::Spanish));
        assert_eq!(Language::from_tag("EN_us"), Some(Language::English));
        assert_eq!(Language::from_tag("fr"), None);
    }

    #[test]
    fn numbers_are_short_and_use_the_languages_decimal_mark() {
        let (en, es) = (Labels::of(Language::English), Labels::of(Language::Spanish));
        assert_eq!(en.number(2.0), "2");
        assert_eq!(en.number(1.456), "1.46");
        assert_eq!(es.number(1.5), "1,5");
        assert_eq!(en.number(-0.001), "0");
    }

    fn render(own_words: &str, measure: Option<&Measure>, observations: &[Observation]) -> String {
        let today = Utc::now();
        let values = chart_values(measure, today - Duration::weeks(20), observations);
        let chart = Chart {
            own_words,
            measure,
            values: &values,
            total_entries: observations.len(),
            language: Language::English,
            today,
        };
        let svg = chart.render();
        if let Ok(dir) = std::env::var("ALLIANCE_CHART_DIR") {
            let name = own_words.split_whitespace().next().unwrap_or("chart");
            std::fs::write(format!("{dir}/{name}.svg"), &svg).expect("write");
        }
        svg
    }

    /// Values stored before inputs were bounded (±1e308) are drawn at the edge of the
    /// chart, never handed to plotters' pixel mapping, which overflows on them.
    #[test]
    fn absurd_values_already_stored_draw_a_chart_and_do_not_panic() {
        let absurd = Measure {
            name: "Absurd".into(),
            unit: None,
            baseline: -1e308,
            target: 1e308,
            direction: Direction::Increase,
            target_date: None,
        };
        let now = Utc::now();
        let observations: Vec<Observation> = [1e308, -1e308, 3.0, f64::MAX]
            .iter()
            .enumerate()
            .map(|(week, value)| Observation {
                observed_at: now - Duration::weeks(10 - week as i64),
                value: Some(*value),
            })
            .collect();
        for measure in [Some(&absurd), None] {
            let svg = render("Absurd values", measure, &observations);
            assert!(svg.starts_with("<svg"), "{svg}");
            assert!(roxmltree::Document::parse(&svg).is_ok());
        }
    }

    #[test]
    fn every_kind_of_goal_gets_a_well_formed_chart_with_a_title_and_a_description() {
        let decreasing = Measure {
            name: "Times sent out of class".into(),
            unit: None,
            baseline: 9.0,
            target: 2.0,
            direction: Direction::Decrease,
            target_date: None,
        };
        let with_date = Measure {
            target_date: Some(NaiveDate::from_ymd_opt(2099, 1, 1).unwrap()),
            ..decreasing.clone()
        };
        let now = Utc::now();
        let many: Vec<Observation> = (0..30)
            .map(|week| Observation {
                observed_at: now - Duration::weeks(30 - week),
                value: Some(9.0 - week as f64 / 5.0 + (week % 3) as f64),
            })
            .collect();
        let long = "Fewer\u{7} times out of class ".repeat(20);
        for svg in [
            render("Bare: no measure yet", None, &[]),
            render("Empty: a measure and no values", Some(&with_date), &[]),
            render(&long, Some(&decreasing), &many),
        ] {
            let document = roxmltree::Document::parse(&svg).expect("well-formed");
            let mut children = document
                .root_element()
                .children()
                .filter(|n| n.is_element());
            assert!(children.next().is_some_and(|n| n.has_tag_name("title")));
            assert!(children.next().is_some_and(|n| n.has_tag_name("desc")));
        }
    }
}
