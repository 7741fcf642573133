//! Pictures made of text for the terminal: sparklines (▁▂▃▄▅▆▇█) and a line chart drawn with
//! Braille dots. Plain characters only, so they read the same under NO_COLOR and in a pipe; the
//! caller decides on colour.

/// The eight heights of a sparkline, lowest first.
const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// One character per value, scaled between `lo` and `hi` (shared by every row of a table, so
/// rows compare).
pub fn sparkline(values: &[f64], lo: f64, hi: f64) -> String {
    let span = (hi - lo).max(f64::EPSILON);
    values
        .iter()
        .map(|v| {
            let level = ((v - lo) / span * (BARS.len() - 1) as f64).round();
            BARS[level.clamp(0.0, (BARS.len() - 1) as f64) as usize]
        })
        .collect()
}

/// A scale around `values` on whole points, at least `min_span` wide and within 0..=10.
pub fn scale(values: &[f64], min_span: f64) -> (f64, f64) {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 10.0);
    }
    let (mut lo, mut hi) = (lo.floor(), hi.ceil());
    while hi - lo < min_span {
        if lo > 0.0 {
            lo -= 1.0;
        }
        if hi - lo < min_span && hi < 10.0 {
            hi += 1.0;
        }
        if lo <= 0.0 && hi >= 10.0 {
            break;
        }
    }
    (lo.max(0.0), hi.min(10.0))
}

/// A canvas of Braille cells: each character holds 2×4 dots.
pub struct Braille {
    width: usize,
    height: usize,
    cells: Vec<u8>,
}

impl Braille {
    /// `width` × `height` characters.
    pub fn new(width: usize, height: usize) -> Braille {
        Braille {
            width,
            height,
            cells: vec![0; width * height],
        }
    }

    pub fn dots_wide(&self) -> usize {
        self.width * 2
    }

    pub fn dots_high(&self) -> usize {
        self.height * 4
    }

    /// Sets the dot at `(x, y)`, `y` counted from the top; outside the canvas is ignored.
    pub fn set(&mut self, x: usize, y: usize) {
        if x >= self.dots_wide() || y >= self.dots_high() {
            return;
        }
        // Dot numbering of the Braille block: the left column is dots 1,2,3,7, the right 4,5,6,8.
        const BITS: [[u8; 4]; 2] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]];
        self.cells[(y / 4) * self.width + x / 2] |= BITS[x % 2][y % 4];
    }

    /// A straight line of dots between two points (Bresenham).
    pub fn line(&mut self, from: (usize, usize), to: (usize, usize)) {
        let (mut x, mut y) = (from.0 as i64, from.1 as i64);
        let (x1, y1) = (to.0 as i64, to.1 as i64);
        let (dx, dy) = ((x1 - x).abs(), -(y1 - y).abs());
        let (sx, sy) = (if x < x1 { 1 } else { -1 }, if y < y1 { 1 } else { -1 });
        let mut err = dx + dy;
        loop {
            self.set(x as usize, y as usize);
            if x == x1 && y == y1 {
                break;
            }
            let e2 = 2 * err;
            if e2 >= dy {
                err += dy;
                x += sx;
            }
            if e2 <= dx {
                err += dx;
                y += sy;
            }
        }
    }

    /// The canvas as lines of text, top first.
    pub fn rows(&self) -> Vec<String> {
        self.cells
            .chunks(self.width)
            .map(|row| {
                row.iter()
                    .map(|&bits| char::from_u32(0x2800 + u32::from(bits)).unwrap_or(' '))
                    .collect()
            })
            .collect()
    }
}

/// `values` as a connected line across a `width` × `height` Braille canvas, scaled `lo..=hi`
/// bottom to top. More values than dot columns should be downsampled first.
pub fn line_chart(values: &[f64], lo: f64, hi: f64, width: usize, height: usize) -> Vec<String> {
    let mut canvas = Braille::new(width, height);
    let (w, h) = (canvas.dots_wide(), canvas.dots_high());
    let span = (hi - lo).max(f64::EPSILON);
    let point = |i: usize, v: f64| {
        let x = if values.len() < 2 {
            w / 2
        } else {
            (i as f64 * (w - 1) as f64 / (values.len() - 1) as f64).round() as usize
        };
        let up = ((v - lo) / span * (h - 1) as f64)
            .round()
            .clamp(0.0, (h - 1) as f64);
        (x, h - 1 - up as usize)
    };
    let mut prev = None;
    for (i, &v) in values.iter().enumerate() {
        let p = point(i, v);
        match prev {
            Some(q) => canvas.line(q, p),
            None => canvas.set(p.0, p.1),
        }
        prev = Some(p);
    }
    canvas.rows()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_maps_the_range_onto_eight_heights() {
        assert_eq!(sparkline(&[0.0, 5.0, 10.0], 0.0, 10.0), "▁▅█");
        assert_eq!(sparkline(&[4.0, 5.0, 6.0, 7.0], 4.0, 7.0), "▁▃▆█");
        assert_eq!(sparkline(&[3.0, 11.0], 4.0, 7.0), "▁█", "clamped");
        assert_eq!(sparkline(&[], 0.0, 10.0), "");
    }

    #[test]
    fn scale_is_whole_points_at_least_the_minimum_span() {
        assert_eq!(scale(&[5.2, 6.7], 2.0), (5.0, 7.0));
        assert_eq!(scale(&[6.0, 6.0], 2.0), (5.0, 7.0));
        assert_eq!(scale(&[0.2, 0.4], 4.0), (0.0, 4.0));
        assert_eq!(scale(&[9.8], 3.0), (7.0, 10.0));
        assert_eq!(scale(&[], 2.0), (0.0, 10.0));
    }

    #[test]
    fn braille_dots_land_in_the_right_cells() {
        let mut c = Braille::new(2, 1);
        c.set(0, 0);
        c.set(3, 3);
        assert_eq!(c.rows(), ["⠁⢀"]);
        c.set(9, 9); // outside: ignored
        assert_eq!(c.rows(), ["⠁⢀"]);
    }

    #[test]
    fn a_rising_line_goes_from_bottom_left_to_top_right() {
        let rows = line_chart(&[0.0, 10.0], 0.0, 10.0, 4, 2);
        assert_eq!(rows.len(), 2);
        let first = |s: &str| s.chars().next().unwrap();
        let last = |s: &str| s.chars().last().unwrap();
        assert_ne!(last(&rows[0]), '⠀', "top right is set: {rows:?}");
        assert_ne!(first(&rows[1]), '⠀', "bottom left is set: {rows:?}");
        assert_eq!(first(&rows[0]), '⠀', "top left is empty: {rows:?}");
        assert_eq!(line_chart(&[5.0], 0.0, 10.0, 3, 1).len(), 1);
    }
}
