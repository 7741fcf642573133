//! The coach's Markdown as styled lines, and wrapping of styled lines to a width that measures
//! wide characters (CJK, emoji) and breaks words longer than a line.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

const CODE: Style = Style::new().fg(Color::Yellow);

/// Renders Markdown into logical (unwrapped) lines: emphasis, strong, inline code, code blocks,
/// lists and headings.
pub fn render(md: &str, base: Style) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut current: Vec<Span<'static>> = Vec::new();
    let mut styles: Vec<Style> = vec![base];
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut in_code_block = false;
    let flush = |current: &mut Vec<Span<'static>>, lines: &mut Vec<Line<'static>>| {
        lines.push(Line::from(std::mem::take(current)));
    };
    let blank_before = |lines: &mut Vec<Line<'static>>| {
        if lines.last().is_some_and(|l| l.width() > 0) {
            lines.push(Line::default());
        }
    };
    for event in Parser::new(md) {
        let style = *styles.last().unwrap_or(&base);
        match event {
            Event::Start(Tag::Emphasis) => styles.push(style.add_modifier(Modifier::ITALIC)),
            Event::Start(Tag::Strong) => styles.push(style.add_modifier(Modifier::BOLD)),
            Event::Start(Tag::Strikethrough) => {
                styles.push(style.add_modifier(Modifier::CROSSED_OUT))
            }
            Event::Start(Tag::Heading { level, .. }) => {
                blank_before(&mut lines);
                let s = style.add_modifier(Modifier::BOLD);
                styles.push(if level == HeadingLevel::H1 {
                    s.add_modifier(Modifier::UNDERLINED)
                } else {
                    s
                });
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                blank_before(&mut lines);
                in_code_block = true;
                if let CodeBlockKind::Fenced(lang) = kind
                    && !lang.is_empty()
                {
                    lines.push(Line::from(Span::styled(
                        format!("  {lang}"),
                        base.add_modifier(Modifier::DIM),
                    )));
                }
            }
            Event::Start(Tag::List(start)) => {
                if lists.is_empty() {
                    blank_before(&mut lines);
                } else if !current.is_empty() {
                    flush(&mut current, &mut lines);
                }
                lists.push(start);
            }
            Event::Start(Tag::Item) => {
                if !current.is_empty() {
                    flush(&mut current, &mut lines);
                }
                let depth = lists.len().saturating_sub(1);
                let marker = match lists.last_mut() {
                    Some(Some(n)) => {
                        let m = format!("{n}. ");
                        *n += 1;
                        m
                    }
                    _ => "• ".to_string(),
                };
                current.push(Span::styled(
                    format!("{}{marker}", "  ".repeat(depth)),
                    style,
                ));
            }
            Event::Start(Tag::Paragraph) if lists.is_empty() => blank_before(&mut lines),
            Event::Start(Tag::BlockQuote(_)) => {
                blank_before(&mut lines);
                styles.push(style.add_modifier(Modifier::ITALIC));
            }
            Event::End(
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::BlockQuote(_),
            ) => {
                styles.pop();
            }
            Event::End(TagEnd::Heading(_)) => {
                styles.pop();
                flush(&mut current, &mut lines);
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item) if !current.is_empty() => {
                flush(&mut current, &mut lines);
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Text(text) if in_code_block => {
                for l in text.lines() {
                    lines.push(Line::from(Span::styled(format!("  {l}"), CODE)));
                }
            }
            Event::Text(text) => current.push(Span::styled(text.into_string(), style)),
            Event::Code(code) => current.push(Span::styled(code.into_string(), CODE)),
            Event::SoftBreak => current.push(Span::styled(" ", style)),
            Event::HardBreak => flush(&mut current, &mut lines),
            Event::Rule => {
                blank_before(&mut lines);
                lines.push(Line::from(Span::styled(
                    "────────",
                    base.add_modifier(Modifier::DIM),
                )));
            }
            Event::Html(t) | Event::InlineHtml(t) => {
                current.push(Span::styled(t.into_string(), style))
            }
            _ => {}
        }
    }
    if !current.is_empty() {
        flush(&mut current, &mut lines);
    }
    while lines.first().is_some_and(|l| l.width() == 0) {
        lines.remove(0);
    }
    lines
}

/// Plain text (the user's words) as logical lines, one per line of input.
pub fn plain(text: &str, style: Style) -> Vec<Line<'static>> {
    text.lines()
        .map(|l| Line::from(Span::styled(l.to_string(), style)))
        .collect()
}

/// A piece of a line that wrapping never splits (unless it alone is wider than the line).
struct Token {
    text: String,
    style: Style,
    space: bool,
}

fn tokens(line: &Line<'_>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    for span in &line.spans {
        let style = line.style.patch(span.style);
        for c in span.content.chars() {
            let space = c.is_whitespace();
            // Wide characters (CJK) may break anywhere, so each one is a token of its own.
            let wide = c.width().unwrap_or(0) > 1;
            match out.last_mut() {
                Some(t)
                    if !wide
                        && t.space == space
                        && t.style == style
                        && t.text
                            .chars()
                            .last()
                            .is_none_or(|l| l.width().unwrap_or(0) <= 1) =>
                {
                    t.text.push(c)
                }
                _ => out.push(Token {
                    text: c.to_string(),
                    style,
                    space,
                }),
            }
        }
    }
    out
}

/// Wraps styled lines to `width` columns. Continuation lines keep the first line's leading
/// indentation (so list items hang); words wider than the line are broken by character.
pub fn wrap(lines: &[Line<'static>], width: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let toks = tokens(line);
        let indent_w = toks
            .first()
            .filter(|t| t.space)
            .map(|t| t.text.width())
            .unwrap_or(0)
            + toks
                .iter()
                .skip(usize::from(toks.first().is_some_and(|t| t.space)))
                .take(1)
                .filter(|t| {
                    t.text == "•"
                        || t.text.ends_with('.')
                            && t.text
                                .trim_end_matches('.')
                                .chars()
                                .all(|c| c.is_ascii_digit())
                })
                .map(|t| t.text.width() + 1)
                .sum::<usize>();
        let indent = " ".repeat(indent_w.min(width / 2));
        let mut cur: Vec<Span<'static>> = Vec::new();
        let mut w = 0usize;
        let mut first = true;
        let mut push_line = |cur: &mut Vec<Span<'static>>, w: &mut usize, first: &mut bool| {
            // A space that fitted before the word that did not stays behind.
            while cur.len() > 1 && cur.last().is_some_and(|s| s.content.trim().is_empty()) {
                cur.pop();
            }
            out.push(Line::from(std::mem::take(cur)));
            *first = false;
            if !indent.is_empty() {
                cur.push(Span::raw(indent.clone()));
            }
            *w = indent.width();
        };
        for t in toks {
            let tw = t.text.width();
            if t.space {
                // No spaces at the start of a continuation line.
                if !first && w == indent.width() {
                    continue;
                }
                if w + tw > width {
                    push_line(&mut cur, &mut w, &mut first);
                    continue;
                }
                cur.push(Span::styled(t.text, t.style));
                w += tw;
                continue;
            }
            if w + tw > width && w > indent.width() {
                push_line(&mut cur, &mut w, &mut first);
            }
            if w + tw <= width {
                cur.push(Span::styled(t.text, t.style));
                w += tw;
                continue;
            }
            // A word wider than the line: break it by character.
            let mut piece = String::new();
            for c in t.text.chars() {
                let cw = c.width().unwrap_or(0);
                if w + piece.width() + cw > width && (w + piece.width()) > 0 {
                    if !piece.is_empty() {
                        cur.push(Span::styled(std::mem::take(&mut piece), t.style));
                    }
                    push_line(&mut cur, &mut w, &mut first);
                }
                piece.push(c);
            }
            w += piece.width();
            cur.push(Span::styled(piece, t.style));
        }
        out.push(Line::from(cur));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line<'_>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn markdown_styles_lists_and_code() {
        let lines = render(
            "Hello *there* and **you**.\n\n- one\n- two `x`\n\n```rust\nfn main() {}\n```",
            Style::new(),
        );
        let t = text(&lines);
        assert_eq!(t[0], "Hello there and you.");
        assert!(t.contains(&"• one".to_string()), "{t:?}");
        assert!(t.contains(&"  fn main() {}".to_string()), "{t:?}");
        let italic = lines[0]
            .spans
            .iter()
            .find(|s| s.content == "there")
            .unwrap();
        assert!(italic.style.add_modifier.contains(Modifier::ITALIC));
        let bold = lines[0].spans.iter().find(|s| s.content == "you").unwrap();
        assert!(bold.style.add_modifier.contains(Modifier::BOLD));
    }

    #[test]
    fn wraps_words_wide_characters_and_long_words() {
        let l = plain("the quick brown fox jumps", Style::new());
        assert_eq!(text(&wrap(&l, 10)), ["the quick", "brown fox", "jumps"]);
        let cjk = plain("日本語のテキストです", Style::new());
        let w = wrap(&cjk, 7);
        assert!(w.iter().all(|l| l.width() <= 7), "{:?}", text(&w));
        assert_eq!(text(&w).concat(), "日本語のテキストです");
        let long = plain(&"x".repeat(25), Style::new());
        let w = wrap(&long, 10);
        assert_eq!(text(&w), ["xxxxxxxxxx", "xxxxxxxxxx", "xxxxx"]);
        let emoji = plain("🎉🎉🎉 party", Style::new());
        assert!(wrap(&emoji, 4).iter().all(|l| l.width() <= 4));
    }

    #[test]
    fn list_items_hang() {
        let lines = render("- a long list item that wraps", Style::new());
        let w = wrap(&lines, 12);
        let t = text(&w);
        assert_eq!(t[0], "• a long");
        assert!(t[1].starts_with("  "), "{t:?}");
    }
}
