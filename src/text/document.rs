//! CVs and job descriptions as the user hands them to `session new` (text, Markdown, or the text
//! layer of a PDF): how the two share the session's one `role_context` field, the clean-up of
//! text extracted from a PDF, and a light reading of each — employers, skills and achievements of
//! a CV; title, company, skills and duties of a job ad — for the coach to weave into its questions.
//!
//! Pure functions over `&str`. No I/O and no PDF parsing here: reading files is the CLI's job.
//! Every string this module returns is Markdown-free, with single spaces.

use super::sentences;

/// The line that opens the job description inside a session's `role_context`; the CV (if any)
/// comes before it.
pub const JOB_HEADING: &str = "## Job description";

/// Splits a session's `role_context` into the CV and the job description (the text after the
/// first [`JOB_HEADING`] line), both trimmed. A context without the heading is all CV.
pub fn split_context(role_context: &str) -> (&str, Option<&str>) {
    let mut at = 0;
    for line in role_context.split_inclusive('\n') {
        if line.trim() == JOB_HEADING {
            let cv = role_context[..at].trim();
            let job = role_context[at + line.len()..].trim();
            return (cv, (!job.is_empty()).then_some(job));
        }
        at += line.len();
    }
    (role_context.trim(), None)
}

/// The inverse of [`split_context`]: the CV, a blank line, then [`JOB_HEADING`] and the job
/// description. Empty parts are left out; `None` when both are.
pub fn join_context(cv: Option<&str>, job: Option<&str>) -> Option<String> {
    let cv = cv.map(str::trim).filter(|s| !s.is_empty());
    let job = job.map(str::trim).filter(|s| !s.is_empty());
    match (cv, job) {
        (None, None) => None,
        (Some(cv), None) => Some(cv.to_string()),
        (cv, Some(job)) => {
            let mut out = String::new();
            if let Some(cv) = cv {
                out.push_str(cv);
                out.push_str("\n\n");
            }
            out.push_str(JOB_HEADING);
            out.push('\n');
            out.push_str(job);
            Some(out)
        }
    }
}

/// Text as a PDF's text layer gives it, made readable: control characters out, runs of spaces
/// (and tabs, no-break spaces) collapsed, each line trimmed, line breaks kept, at most one empty
/// line in a row, none at either end. Symbol-font glyphs (private use) become `•`: they are
/// nearly always bullets.
pub fn tidy_extracted(text: &str) -> String {
    let mut cleaned = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    cleaned.push('\n');
                }
            }
            '\n' | '\u{b}' | '\u{c}' | '\u{2028}' | '\u{2029}' => cleaned.push('\n'),
            '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' => {}
            '\u{e000}'..='\u{f8ff}' => cleaned.push('•'),
            c if c.is_whitespace() => cleaned.push(' '),
            c if c.is_control() => {}
            c => cleaned.push(c),
        }
    }
    let mut out = String::with_capacity(cleaned.len());
    let mut blank = false;
    for line in cleaned.split('\n') {
        let mut words = line.split_whitespace().peekable();
        if words.peek().is_none() {
            blank = true;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        blank = false;
        for (i, w) in words.enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(w);
        }
    }
    out
}

/// What a CV says about its author, as far as a light reading can tell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    /// Jobs in the CV's order (usually most recent first).
    pub employers: Vec<Job>,
    /// At most [`MAX_SKILLS`], as written, without repeats.
    pub skills: Vec<String>,
    /// At most [`MAX_ACHIEVEMENTS`], those with a figure first, each at most
    /// [`MAX_ACHIEVEMENT_WORDS`] words.
    pub achievements: Vec<String>,
}

/// One position of a CV.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Job {
    pub employer: String,
    pub role: Option<String>,
    /// As written: "2020–2024", "Jan 2020 – Present".
    pub years: Option<String>,
}

/// What a job advertisement asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobAd {
    pub title: Option<String>,
    pub company: Option<String>,
    /// Short noun phrases from the requirements ("Go", "distributed systems").
    pub skills: Vec<String>,
    /// The responsibilities, each at most [`MAX_AD_ITEM_WORDS`] words.
    pub duties: Vec<String>,
}

pub const MAX_SKILLS: usize = 12;
pub const MAX_ACHIEVEMENTS: usize = 5;
pub const MAX_ACHIEVEMENT_WORDS: usize = 25;
pub const MAX_AD_ITEM_WORDS: usize = 12;
const MAX_DUTIES: usize = 8;
/// An employer's name is short; anything longer is a sentence.
const MAX_NAME_WORDS: usize = 6;

/// Reads a CV (Markdown, plain text, or a PDF's text layer).
pub fn profile(cv: &str) -> Profile {
    let doc = Doc::read(cv, CV_SECTIONS);
    let (employers, used) = employers(&doc);
    Profile {
        employers,
        skills: cv_skills(&doc),
        achievements: achievements(&doc, &used),
    }
}

/// Reads a job advertisement (Markdown, plain text, or a PDF's text layer).
pub fn job_ad(text: &str) -> JobAd {
    let doc = Doc::read(text, AD_SECTIONS);
    let (title, company) = title_and_company(&doc);
    let mut skills = Vec::new();
    let mut duties = Vec::new();
    for item in items(&doc, &[Section::Requirements]) {
        for phrase in requirement_phrases(&item) {
            push_unique(&mut skills, phrase, MAX_SKILLS);
        }
    }
    // "Tech stack: Go, Kafka" or "Must have: …" outside a requirements section.
    for (i, line) in doc.lines.iter().enumerate() {
        if doc.part[i] == Section::Requirements {
            continue;
        }
        if let Some((Section::Requirements, rest)) = labelled(&line.text, AD_SECTIONS) {
            for piece in split_list(rest) {
                for phrase in requirement_phrases(&piece) {
                    push_unique(&mut skills, phrase, MAX_SKILLS);
                }
            }
        }
    }
    for item in items(&doc, &[Section::Duties]) {
        let duty = duty(&item);
        if words_in(&duty) >= 2 {
            push_unique(&mut duties, duty, MAX_DUTIES);
        }
    }
    JobAd {
        title,
        company,
        skills,
        duties,
    }
}

// ---------------------------------------------------------------------------------------------
// Lines and sections
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    /// Before the first heading: the name, the headline, contact details.
    Top,
    Experience,
    Education,
    Skills,
    Summary,
    Achievements,
    Requirements,
    Duties,
    AboutRole,
    AboutCompany,
    Other,
}

const CV_SECTIONS: &[(&str, Section)] = &[
    ("experience", Section::Experience),
    ("work experience", Section::Experience),
    ("professional experience", Section::Experience),
    ("relevant experience", Section::Experience),
    ("employment", Section::Experience),
    ("employment history", Section::Experience),
    ("work history", Section::Experience),
    ("career history", Section::Experience),
    ("career", Section::Experience),
    ("experience and achievements", Section::Experience),
    ("professional background", Section::Experience),
    ("education", Section::Education),
    ("education and training", Section::Education),
    ("education and certifications", Section::Education),
    ("academic background", Section::Education),
    ("certifications", Section::Education),
    ("certificates", Section::Education),
    ("qualifications", Section::Education),
    ("training", Section::Education),
    ("courses", Section::Education),
    ("skills", Section::Skills),
    ("technical skills", Section::Skills),
    ("core skills", Section::Skills),
    ("key skills", Section::Skills),
    ("skills and tools", Section::Skills),
    ("tools", Section::Skills),
    ("tools and technologies", Section::Skills),
    ("technologies", Section::Skills),
    ("tech stack", Section::Skills),
    ("technical stack", Section::Skills),
    ("stack", Section::Skills),
    ("competencies", Section::Skills),
    ("core competencies", Section::Skills),
    ("expertise", Section::Skills),
    ("areas of expertise", Section::Skills),
    ("skills and expertise", Section::Skills),
    ("summary", Section::Summary),
    ("professional summary", Section::Summary),
    ("career summary", Section::Summary),
    ("profile", Section::Summary),
    ("professional profile", Section::Summary),
    ("personal statement", Section::Summary),
    ("objective", Section::Summary),
    ("about", Section::Summary),
    ("about me", Section::Summary),
    ("achievements", Section::Achievements),
    ("key achievements", Section::Achievements),
    ("selected achievements", Section::Achievements),
    ("accomplishments", Section::Achievements),
    ("highlights", Section::Achievements),
    ("awards", Section::Achievements),
    ("projects", Section::Achievements),
    ("selected projects", Section::Achievements),
    ("side projects", Section::Achievements),
    ("languages", Section::Other),
    ("interests", Section::Other),
    ("hobbies", Section::Other),
    ("contact", Section::Other),
    ("contact details", Section::Other),
    ("personal details", Section::Other),
    ("references", Section::Other),
    ("publications", Section::Other),
    ("volunteering", Section::Other),
    ("links", Section::Other),
];

const AD_SECTIONS: &[(&str, Section)] = &[
    ("requirements", Section::Requirements),
    ("key requirements", Section::Requirements),
    ("what you'll bring", Section::Requirements),
    ("what you will bring", Section::Requirements),
    ("what you bring", Section::Requirements),
    ("what we're looking for", Section::Requirements),
    ("what we are looking for", Section::Requirements),
    ("what we look for", Section::Requirements),
    ("qualifications", Section::Requirements),
    ("minimum qualifications", Section::Requirements),
    ("preferred qualifications", Section::Requirements),
    ("basic qualifications", Section::Requirements),
    ("must have", Section::Requirements),
    ("must haves", Section::Requirements),
    ("must-have", Section::Requirements),
    ("must-haves", Section::Requirements),
    ("nice to have", Section::Requirements),
    ("nice to haves", Section::Requirements),
    ("nice-to-have", Section::Requirements),
    ("nice-to-haves", Section::Requirements),
    ("bonus points", Section::Requirements),
    ("bonus points if", Section::Requirements),
    ("about you", Section::Requirements),
    ("who you are", Section::Requirements),
    ("you have", Section::Requirements),
    ("you'll have", Section::Requirements),
    ("you will have", Section::Requirements),
    ("skills", Section::Requirements),
    ("required skills", Section::Requirements),
    ("key skills", Section::Requirements),
    ("skills and experience", Section::Requirements),
    ("experience and skills", Section::Requirements),
    ("your skills", Section::Requirements),
    ("your experience", Section::Requirements),
    ("experience", Section::Requirements),
    ("the ideal candidate", Section::Requirements),
    ("ideal candidate", Section::Requirements),
    ("tech stack", Section::Requirements),
    ("our stack", Section::Requirements),
    ("our tech stack", Section::Requirements),
    ("technologies", Section::Requirements),
    ("responsibilities", Section::Duties),
    ("key responsibilities", Section::Duties),
    ("your responsibilities", Section::Duties),
    ("main responsibilities", Section::Duties),
    ("what you'll do", Section::Duties),
    ("what you will do", Section::Duties),
    ("what you'll be doing", Section::Duties),
    ("what you will be doing", Section::Duties),
    ("the role", Section::Duties),
    ("your role", Section::Duties),
    ("in this role", Section::Duties),
    ("in this role you will", Section::Duties),
    ("in this role, you will", Section::Duties),
    ("day to day", Section::Duties),
    ("day-to-day", Section::Duties),
    ("your impact", Section::Duties),
    ("duties", Section::Duties),
    ("the job", Section::Duties),
    ("about the role", Section::AboutRole),
    ("about the job", Section::AboutRole),
    ("about the position", Section::AboutRole),
    ("the opportunity", Section::AboutRole),
    ("overview", Section::AboutRole),
    ("role overview", Section::AboutRole),
    ("job summary", Section::AboutRole),
    ("about us", Section::AboutCompany),
    ("about the company", Section::AboutCompany),
    ("who we are", Section::AboutCompany),
    ("about the team", Section::AboutCompany),
    ("benefits", Section::Other),
    ("perks", Section::Other),
    ("perks and benefits", Section::Other),
    ("what we offer", Section::Other),
    ("why join us", Section::Other),
    ("compensation", Section::Other),
    ("salary", Section::Other),
    ("how to apply", Section::Other),
    ("our values", Section::Other),
    ("location", Section::Other),
    ("the process", Section::Other),
    ("interview process", Section::Other),
];

/// One line of the document, read once.
#[derive(Debug, Default)]
struct Line {
    /// Markdown stripped, single spaces; empty for a blank line.
    text: String,
    /// The bold run the line starts with (`**Acme Payments** (2020–2024)…`), Markdown stripped.
    bold: Option<String>,
    bullet: bool,
    /// A Markdown heading, or a line that is bold as a whole.
    marked: bool,
}

struct Doc {
    lines: Vec<Line>,
    /// The section each line is in.
    part: Vec<Section>,
    /// Whether the line is a section heading.
    heading: Vec<bool>,
}

impl Doc {
    fn read(text: &str, table: &[(&str, Section)]) -> Doc {
        let lines: Vec<Line> = text.lines().map(read_line).collect();
        let mut part = Vec::with_capacity(lines.len());
        let mut heading = Vec::with_capacity(lines.len());
        let mut current = Section::Top;
        for line in &lines {
            let found = section_heading(line, table);
            if let Some(s) = found {
                current = s;
            }
            heading.push(found.is_some());
            part.push(current);
        }
        Doc {
            lines,
            part,
            heading,
        }
    }

    fn has(&self, s: Section) -> bool {
        self.part.contains(&s)
    }

    fn blank(&self, i: usize) -> bool {
        self.lines[i].text.is_empty()
    }
}

fn read_line(raw: &str) -> Line {
    let mut s = raw.trim();
    let mut marked = false;
    let hashes = s.chars().take_while(|&c| c == '#').count();
    if (1..=6).contains(&hashes) && s[hashes..].chars().next().is_none_or(char::is_whitespace) {
        s = s[hashes..].trim_start();
        marked = true;
    }
    if let Some(rest) = s.strip_prefix('>') {
        s = rest.trim_start();
    }
    let (s, bullet) = strip_bullet(s);
    let (bold, whole) = match leading_bold(s) {
        Some((inner, rest)) => {
            let rest = rest.trim_start_matches([':', ' ']);
            (Some(plain(inner)), rest.is_empty())
        }
        None => (None, false),
    };
    Line {
        text: plain(s),
        bold: bold.filter(|b| !b.is_empty()),
        bullet,
        marked: marked || whole,
    }
}

/// The line without its list marker ("- ", "* ", "• ", "1. "…), and whether it had one.
fn strip_bullet(s: &str) -> (&str, bool) {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return (s, false);
    };
    let rest = chars.as_str();
    let spaced = rest.starts_with(char::is_whitespace);
    match first {
        '-' | '*' | '+' | '–' | '—' if spaced => return (rest.trim_start(), true),
        '•' | '·' | '▪' | '◦' | '‣' | '●' | '○' | '■' | '□' | '►' | '▸' | '➢' | '✓' | '✔' =>
        {
            return (rest.trim_start(), true);
        }
        _ => {}
    }
    let digits = s.chars().take_while(char::is_ascii_digit).count();
    if (1..=2).contains(&digits) {
        let after = &s[digits..];
        if (after.starts_with(". ") || after.starts_with(") ")) && after.len() > 2 {
            return (after[2..].trim_start(), true);
        }
    }
    (s, false)
}

/// `**inner** rest` or `__inner__ rest` → (inner, rest).
fn leading_bold(s: &str) -> Option<(&str, &str)> {
    for mark in ["**", "__"] {
        if let Some(body) = s.strip_prefix(mark)
            && let Some(end) = body.find(mark)
            && end > 0
        {
            return Some((&body[..end], &body[end + mark.len()..]));
        }
    }
    None
}

/// Markdown out of one line: emphasis, code ticks, links (`[text](url)` → text), escapes;
/// whitespace collapsed.
fn plain(s: &str) -> String {
    let s = unlink(s);
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k];
        match c {
            '*' | '`' => {}
            '\\' if chars.get(k + 1).is_some_and(|n| n.is_ascii_punctuation()) => {
                out.push(chars[k + 1]);
                k += 1;
            }
            // An underscore inside a word (snake_case) is kept; at a word's edge it is emphasis.
            '_' => {
                let before = k > 0 && chars[k - 1].is_alphanumeric();
                let after = chars.get(k + 1).is_some_and(|n| n.is_alphanumeric());
                if before && after {
                    out.push('_');
                }
            }
            c => out.push(c),
        }
        k += 1;
    }
    collapse(&out)
}

/// `[text](url)` → text, `![alt](src)` → alt, `<https://…>` → the address.
fn unlink(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find("](").map(|i| open + i) else {
            break;
        };
        let Some(end) = rest[close..].find(')').map(|i| close + i) else {
            break;
        };
        let before = &rest[..open];
        out.push_str(before.strip_suffix('!').unwrap_or(before));
        out.push_str(&rest[open + 1..close]);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out.replace(['<', '>'], "")
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn words_in(s: &str) -> usize {
    s.split_whitespace().count()
}

/// The key a heading is looked up by: lowercase, straight apostrophes, "&" as "and", no
/// trailing colon or parenthesis.
fn heading_key(text: &str) -> String {
    let mut t = text
        .to_lowercase()
        .replace(['’', '‘'], "'")
        .replace(" & ", " and ");
    if let Some(open) = t.find(" (") {
        t.truncate(open);
    }
    t.trim_end_matches([':', '.', ' ', '!', '?'])
        .trim_start_matches(['-', '–', '—', ' '])
        .to_string()
}

fn section_heading(line: &Line, table: &[(&str, Section)]) -> Option<Section> {
    if line.bullet || line.text.is_empty() || words_in(&line.text) > 6 {
        return None;
    }
    let key = heading_key(&line.text);
    table.iter().find(|(name, _)| *name == key).map(|&(_, s)| s)
}

/// "Skills: Go, Kafka" → (Skills, "Go, Kafka") when the label is one of the table's sections.
fn labelled<'a>(text: &'a str, table: &[(&str, Section)]) -> Option<(Section, &'a str)> {
    let (label, rest) = text.split_once(':')?;
    if words_in(label) > 4 || rest.trim().is_empty() {
        return None;
    }
    let key = heading_key(label);
    table
        .iter()
        .find(|(name, _)| *name == key)
        .map(|&(_, s)| (s, rest.trim()))
}

// ---------------------------------------------------------------------------------------------
// Words that tell what a phrase is
// ---------------------------------------------------------------------------------------------

const ROLE_WORDS: &str = "\
    engineer developer programmer architect manager director lead head chief officer vp \
    president founder co-founder cofounder cto ceo cfo coo cpo cmo analyst scientist \
    designer consultant executive representative rep associate specialist coordinator \
    administrator intern trainee apprentice researcher advisor adviser partner assistant \
    supervisor strategist marketer recruiter accountant owner sre devops qa tester \
    technician editor writer teacher lecturer nurse agent sdr bdr pm tpm evangelist advocate \
    contractor freelancer generalist producer operator planner buyer trader auditor \
    controller lawyer counsel";

/// Verbs a CV's achievements start with.
const ACTION_VERBS: &str = "\
    booked sold led built launched reduced grew migrated increased delivered designed shipped cut \
    created developed drove improved managed mentored closed won saved scaled automated \
    introduced implemented negotiated exceeded generated established founded owned rebuilt \
    redesigned streamlined spearheaded achieved boosted expanded doubled tripled hired \
    coached secured lowered raised ran defined organised organized trained wrote overhauled \
    rolled turned opened signed landed sourced architected replaced eliminated accelerated \
    halved consolidated decreased optimised optimized restructured revamped championed \
    pioneered headed oversaw shaped standardised standardized unified modernised modernized \
    prioritised prioritized ranked recovered retained converted exceeding leading building \
    owning";

/// Small words a name may have in lowercase ("Bank of America", "Marks and Spencer").
const NAME_CONNECTORS: &[&str] = &[
    "of", "and", "&", "the", "for", "de", "du", "la", "le", "von", "van", "der", "den", "y", "+",
    "und", "et", "di", "da", "-", "–",
];

/// Words a cut phrase must not end on.
const DANGLING: &[&str] = &[
    "a", "an", "the", "to", "from", "of", "by", "in", "on", "at", "for", "with", "and", "or", "as",
    "into", "onto", "per", "via", "than", "that", "which", "who", "while", "across", "over",
    "under", "within", "through", "between", "our", "my", "their", "its", "his", "her", "your",
    "is", "are", "was", "were", "be", "but", "so", "&",
];

const MONTHS: &str = "\
    jan january feb february mar march apr april may jun june jul july aug august sep sept \
    september oct october nov november dec december spring summer autumn fall winter";

/// Whether `word` is one of the space-separated words of `list`.
fn listed(list: &str, word: &str) -> bool {
    list.split_whitespace().any(|w| w == word)
}

/// Reads as a job title: a few words, one of them a [`ROLE_WORDS`] ("Head of Sales").
fn is_role(s: &str) -> bool {
    let n = words_in(s);
    (1..=8).contains(&n)
        && !looks_like_sentence(s)
        && super::words(s)
            .iter()
            .any(|w| listed(ROLE_WORDS, w.as_str()) || w.starts_with("co-found"))
}

fn is_school(s: &str) -> bool {
    const SCHOOL: &str = "\
        university universität université universidad universita college school institute \
        academy polytechnic bootcamp gymnasium bsc msc ba ma mba phd beng meng bachelor \
        bachelor's master master's diploma degree gcse gcses";
    super::words(s).iter().any(|w| listed(SCHOOL, w.as_str()))
}

/// Reads as a proper name: short, each word capitalised (or a connector like "of"), not an
/// address, a date, a heading or a sentence.
fn is_name(s: &str) -> bool {
    let ws: Vec<&str> = s.split_whitespace().collect();
    if ws.is_empty() || ws.len() > MAX_NAME_WORDS {
        return false;
    }
    if !ws[0]
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
    {
        return false;
    }
    if s.contains('@') || s.contains("://") || s.contains("www.") || s.ends_with(':') {
        return false;
    }
    // A phone number, a postcode with digits, a salary.
    if s.chars().filter(char::is_ascii_digit).count() > 3 {
        return false;
    }
    let lower = super::words(s);
    if lower.first().is_some_and(|w| {
        listed(ACTION_VERBS, w.as_str())
            || listed(MONTHS, w.as_str())
            || matches!(
                w.as_str(),
                "present" | "current" | "remote" | "hybrid" | "i" | "we" | "about"
            )
    }) {
        return false;
    }
    if CV_SECTIONS.iter().any(|(k, _)| *k == heading_key(s)) {
        return false;
    }
    ws.iter().all(|w| {
        NAME_CONNECTORS.contains(&w.to_lowercase().as_str())
            || w.chars().any(|c| c.is_uppercase() || c.is_ascii_digit())
            || !w.chars().any(char::is_alphabetic)
    })
}

fn looks_like_sentence(s: &str) -> bool {
    let n = words_in(s);
    if n > 12 {
        return true;
    }
    let first = super::words(s).into_iter().next();
    if first.as_deref().is_some_and(|w| {
        listed(ACTION_VERBS, w) || matches!(w, "i" | "we" | "my" | "our" | "you" | "responsible")
    }) {
        return true;
    }
    // A full stop ends a sentence, not "Inc." or "Ltd.".
    s.ends_with('.') && n > 3
}

// ---------------------------------------------------------------------------------------------
// Date ranges
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Year,
    Month,
    Num,
    Slash,
    Dash,
    To,
    Present,
    Other,
}

fn date_tokens(s: &str) -> Vec<(usize, usize, Tok)> {
    let mut out = Vec::new();
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c.is_alphanumeric() {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = it.peek() {
                if !d.is_alphanumeric() {
                    break;
                }
                end = j + d.len_utf8();
                it.next();
            }
            let word = &s[i..end];
            let lower = word.to_lowercase();
            let tok = if word.chars().all(|c| c.is_ascii_digit()) {
                match word.len() {
                    4 if word.starts_with("19") || word.starts_with("20") => Tok::Year,
                    1 | 2 => Tok::Num,
                    _ => Tok::Other,
                }
            } else if listed(MONTHS, lower.as_str()) {
                // "Sept." keeps its full stop.
                if let Some(&(j, '.')) = it.peek() {
                    end = j + 1;
                    it.next();
                }
                Tok::Month
            } else {
                match lower.as_str() {
                    "to" | "until" | "till" => Tok::To,
                    "present" | "current" | "now" | "today" | "ongoing" | "date" => Tok::Present,
                    _ => Tok::Other,
                }
            };
            out.push((i, end, tok));
        } else if c.is_whitespace() {
            continue;
        } else {
            let tok = match c {
                '-' | '–' | '—' | '‒' | '−' => Tok::Dash,
                '/' => Tok::Slash,
                _ => Tok::Other,
            };
            out.push((i, i + c.len_utf8(), tok));
        }
    }
    out
}

/// Where the first date range of `s` is ("2020–2024", "Jan 2020 – Present", "03/2019 to
/// 05/2021"), as a byte range.
fn find_years(s: &str) -> Option<(usize, usize)> {
    let toks = date_tokens(s);
    let kind = |k: usize| toks.get(k).map(|t| t.2);
    let date_at = |k: usize| -> Option<usize> {
        match (kind(k), kind(k + 1), kind(k + 2)) {
            (Some(Tok::Month), Some(Tok::Year), _) => Some(k + 2),
            (Some(Tok::Num), Some(Tok::Slash), Some(Tok::Year)) => Some(k + 3),
            (Some(Tok::Year), _, _) => Some(k + 1),
            _ => None,
        }
    };
    for k in 0..toks.len() {
        let Some(j) = date_at(k) else { continue };
        if !matches!(kind(j), Some(Tok::Dash | Tok::To)) {
            continue;
        }
        let end = match kind(j + 1) {
            Some(Tok::Present) => Some(j + 2),
            // "to date"
            Some(Tok::To) if kind(j + 2) == Some(Tok::Present) => Some(j + 3),
            _ => date_at(j + 1),
        };
        if let Some(e) = end {
            return Some((toks[k].0, toks[e - 1].1));
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Employers
// ---------------------------------------------------------------------------------------------

/// What one line (or its neighbours) say about a position.
#[derive(Debug, Default)]
struct Found {
    employer: Option<String>,
    role: Option<String>,
    school: bool,
}

/// The pieces of a job line between its separators (`|`, `,`, `—`, ` - `, `·`…), parentheses
/// out, "Role at Company" split in two.
fn pieces(s: &str) -> Vec<String> {
    let mut no_parens = String::with_capacity(s.len());
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' | '[' => {
                depth += 1;
                no_parens.push(' ');
            }
            ')' | ']' => depth = depth.saturating_sub(1),
            c if depth == 0 => no_parens.push(c),
            _ => {}
        }
    }
    let spaced = no_parens
        .replace(" – ", "|")
        .replace(" - ", "|")
        .replace(" @ ", "|")
        .replace(" / ", "|");
    let mut out = Vec::new();
    for p in spaced.split(['|', ',', ';', '·', '•', '—', '\t']) {
        let p = p.trim_matches(|c: char| c.is_whitespace() || ":-–".contains(c));
        if p.is_empty() {
            continue;
        }
        // "Senior Backend Engineer at Acme Payments"
        if let Some((left, right)) = p.split_once(" at ")
            && is_role(left)
        {
            out.push(left.trim().to_string());
            out.push(right.trim().to_string());
        } else {
            out.push(p.to_string());
        }
    }
    out
}

fn classify(text: &str, bold: Option<&str>) -> Found {
    let parts = pieces(text);
    let mut found = Found {
        school: parts.iter().any(|p| is_school(p)) || bold.is_some_and(is_school),
        ..Found::default()
    };
    // "San Francisco, CA", "Leeds, UK": a place, not an employer.
    let region = |p: &str| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_uppercase());
    // Only after the first piece: "IBM, UK" is IBM; "Globex, Portland, OR" is Globex.
    let place = |k: usize| {
        is_place(&parts[k])
            || (k > 0 && parts.get(k + 1).is_some_and(|next| region(next)))
            || (k > 0 && region(&parts[k]) && !is_role(&parts[k - 1]))
    };
    if let Some(b) = bold.filter(|b| is_name(b) && !is_role(b) && !is_place(b)) {
        let b_parts = pieces(b);
        if !b_parts
            .last()
            .is_some_and(|last| b_parts.len() > 1 && region(last))
        {
            found.employer = Some(b.to_string());
        }
    }
    for (k, p) in parts.iter().enumerate() {
        if found.role.is_none() && is_role(p) {
            found.role = Some(p.clone());
        } else if found.employer.is_none() && !is_role(p) && is_name(p) && !place(k) {
            found.employer = Some(p.clone());
        }
    }
    found
}

/// A few places a CV line names after the employer; "Remote" and "Hybrid" too.
fn is_place(s: &str) -> bool {
    const PLACES: &[&str] = &[
        "remote",
        "hybrid",
        "on-site",
        "onsite",
        "london",
        "berlin",
        "paris",
        "madrid",
        "barcelona",
        "lisbon",
        "dublin",
        "amsterdam",
        "munich",
        "zurich",
        "stockholm",
        "warsaw",
        "manchester",
        "leeds",
        "edinburgh",
        "new york",
        "new york city",
        "nyc",
        "san francisco",
        "sf",
        "mountain view",
        "seattle",
        "austin",
        "boston",
        "chicago",
        "los angeles",
        "toronto",
        "vancouver",
        "sydney",
        "melbourne",
        "singapore",
        "bangalore",
        "bengaluru",
        "tel aviv",
        "tokyo",
        "remote-first",
        "worldwide",
        "europe",
        "emea",
        "uk",
        "usa",
        "us",
    ];
    PLACES.contains(&s.trim().to_lowercase().as_str())
}

fn employers(doc: &Doc) -> (Vec<Job>, Vec<bool>) {
    let n = doc.lines.len();
    let has_experience = doc.has(Section::Experience);
    let in_scope = |i: usize| {
        !doc.heading[i]
            && !doc.blank(i)
            && if has_experience {
                doc.part[i] == Section::Experience
            } else {
                matches!(doc.part[i], Section::Top)
            }
    };
    let mut used = vec![false; n];
    let mut jobs: Vec<(usize, Job)> = Vec::new();
    let dated: Vec<Option<(usize, usize)>> =
        doc.lines.iter().map(|l| find_years(&l.text)).collect();

    // A neighbour that can complete a dated line: short, not a bullet, not dated, not taken.
    let usable = |i: usize, used: &[bool]| {
        in_scope(i)
            && !used[i]
            && !doc.lines[i].bullet
            && dated[i].is_none()
            && words_in(&doc.lines[i].text) <= 10
            && !looks_like_sentence(&doc.lines[i].text)
    };
    // Up to `count` lines before or after `i`, stepping over one blank line, stopping at the
    // first that cannot be part of the position.
    let neighbours = |i: usize, back: bool, count: usize, used: &[bool]| -> Vec<usize> {
        let mut out = Vec::new();
        let mut k = i;
        let mut blanks = 0;
        while out.len() < count {
            k = match (back, k) {
                (true, 0) => break,
                (true, k) => k - 1,
                (false, k) if k + 1 >= n => break,
                (false, k) => k + 1,
            };
            if doc.blank(k) {
                blanks += 1;
                if blanks > 1 {
                    break;
                }
                continue;
            }
            if !usable(k, used) {
                break;
            }
            out.push(k);
        }
        out
    };

    for i in 0..n {
        let Some((from, to)) = dated[i] else { continue };
        if !in_scope(i) || used[i] {
            continue;
        }
        let line = &doc.lines[i];
        let years = collapse(&line.text[from..to]);
        let rest = without_range(&line.text, from, to);
        let mut found = classify(&rest, line.bold.as_deref());
        if found.school || (line.bullet && found.employer.is_none()) {
            continue;
        }
        used[i] = true;
        let mut first = i;
        let before = neighbours(i, true, 2, &used);
        let after = neighbours(i, false, 1, &used);
        if found.role.is_none()
            && let Some(&p) = before.first()
        {
            let f = classify(&doc.lines[p].text, doc.lines[p].bold.as_deref());
            if f.role.is_some() && f.employer.is_none() && !f.school {
                // A title-only line just above ("Senior Backend Engineer" over "Acme 2020–2024").
                found.role = f.role;
                used[p] = true;
                first = first.min(p);
            } else if f.role.is_some() && f.employer.is_some() && doc.lines[p].marked {
                // "### Stripe — Staff Engineer" over "**Dublin** | 2019 – Present": what the
                // dated line names is a place.
                found.role = f.role;
                found.employer = f.employer;
                used[p] = true;
                first = first.min(p);
            }
        }
        if found.employer.is_none() {
            for &k in before.iter().chain(&after) {
                if used[k] {
                    continue;
                }
                let f = classify(&doc.lines[k].text, doc.lines[k].bold.as_deref());
                if f.school {
                    break;
                }
                if let Some(e) = f.employer {
                    found.employer = Some(e);
                    if found.role.is_none() {
                        found.role = f.role;
                    }
                    used[k] = true;
                    first = first.min(k);
                    break;
                }
            }
        }
        if found.role.is_none() {
            for &k in after.iter().chain(&before) {
                if used[k] {
                    continue;
                }
                let f = classify(&doc.lines[k].text, doc.lines[k].bold.as_deref());
                if let (Some(r), None, false) = (f.role, f.employer, f.school) {
                    found.role = Some(r);
                    used[k] = true;
                    first = first.min(k);
                    break;
                }
            }
        }
        if let Some(employer) = found.employer {
            jobs.push((
                first,
                Job {
                    employer,
                    role: found.role,
                    years: Some(years),
                },
            ));
        }
    }

    // Positions written without dates: "Senior Engineer at Acme Payments" under Experience.
    if has_experience {
        for i in 0..n {
            let line = &doc.lines[i];
            if !usable(i, &used) || line.bullet {
                continue;
            }
            let found = classify(&line.text, line.bold.as_deref());
            if let (Some(employer), Some(role), false) = (found.employer, found.role, found.school)
            {
                used[i] = true;
                jobs.push((
                    i,
                    Job {
                        employer,
                        role: Some(role),
                        years: None,
                    },
                ));
            }
        }
    }
    jobs.sort_by_key(|(at, _)| *at);
    let mut out: Vec<Job> = Vec::new();
    for (_, job) in jobs {
        if !out.contains(&job) {
            out.push(job);
        }
    }
    (out, used)
}

/// `s` without the byte range, with the brackets around it, and a separator in its place.
fn without_range(s: &str, from: usize, to: usize) -> String {
    let mut before = s[..from].trim_end();
    let mut after = s[to..].trim_start();
    if let (Some(b), Some(a)) = (
        before.strip_suffix(['(', '[']),
        after.strip_prefix([')', ']']),
    ) {
        before = b;
        after = a;
    }
    format!("{before} | {after}")
}

// ---------------------------------------------------------------------------------------------
// Skills
// ---------------------------------------------------------------------------------------------

/// A list line split on commas, pipes, bullets and semicolons, but not inside parentheses
/// ("Cloud (AWS, GCP)" stays one item).
fn split_list(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' => {
                depth += 1;
                cur.push(c);
            }
            ')' => {
                depth = depth.saturating_sub(1);
                cur.push(c);
            }
            ',' | '|' | ';' | '•' | '·' if depth == 0 => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|p| {
            p.trim()
                .trim_end_matches(['.', ':'])
                .trim_start_matches(['-', '–', '—'])
                .trim()
                .to_string()
        })
        .filter(|p| !p.is_empty())
        .collect()
}

fn push_unique(list: &mut Vec<String>, item: String, max: usize) {
    if list.len() < max
        && !item.is_empty()
        && !list.iter().any(|x| x.to_lowercase() == item.to_lowercase())
    {
        list.push(item);
    }
}

fn cv_skills(doc: &Doc) -> Vec<String> {
    let mut out = Vec::new();
    let add = |text: &str, out: &mut Vec<String>| {
        for item in split_list(text) {
            if (1..=4).contains(&words_in(&item)) && !looks_like_sentence(&item) {
                push_unique(out, item, MAX_SKILLS);
            }
        }
    };
    for (i, line) in doc.lines.iter().enumerate() {
        if doc.heading[i] || line.text.is_empty() {
            continue;
        }
        if let Some((Section::Skills, rest)) = labelled(&line.text, CV_SECTIONS) {
            add(rest, &mut out);
        } else if doc.part[i] == Section::Skills {
            // "Languages: Go, Python" inside the section: the sub-label is not a skill.
            let text = match line.text.split_once(':') {
                Some((label, rest)) if words_in(label) <= 3 && !rest.trim().is_empty() => rest,
                _ => &line.text,
            };
            add(text, &mut out);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Items: bullets (with their wrapped lines) and sentences
// ---------------------------------------------------------------------------------------------

/// Whether a line continues the one before it: a PDF wraps a bullet's text onto lines of its
/// own ("… cutting deploys from 40 to" / "6 minutes").
fn continues(prev: &str, next: &Line) -> bool {
    if next.bullet || next.marked || next.text.is_empty() {
        return false;
    }
    let starts_low = next
        .text
        .chars()
        .next()
        .is_some_and(|c| c.is_lowercase() || c.is_ascii_digit());
    let last = prev.split_whitespace().last().unwrap_or("").to_lowercase();
    starts_low || prev.ends_with([',', '-', '–', '&']) || DANGLING.contains(&last.as_str())
}

/// The items of the given sections (see [`items_where`]).
fn items(doc: &Doc, sections: &[Section]) -> Vec<String> {
    items_where(doc, |i| sections.contains(&doc.part[i]))
}

/// The items of the lines `keep` takes: each bullet with its wrapped lines joined, and each
/// sentence of other text (a PDF's text layer often loses the bullets).
fn items_where(doc: &Doc, keep: impl Fn(usize) -> bool) -> Vec<String> {
    let n = doc.lines.len();
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        let line = &doc.lines[i];
        if doc.heading[i] || line.text.is_empty() || !keep(i) {
            i += 1;
            continue;
        }
        let mut text = line.text.clone();
        let mut j = i + 1;
        while j < n && keep(j) && !doc.heading[j] && continues(&text, &doc.lines[j]) {
            let next = &doc.lines[j].text;
            // "cross-" + "functional" is one word.
            if text.ends_with('-') && next.starts_with(char::is_lowercase) {
                text.push_str(next);
            } else {
                text.push(' ');
                text.push_str(next);
            }
            j += 1;
        }
        if line.bullet {
            out.push(text);
        } else {
            out.extend(
                sentences::sentences(&text)
                    .into_iter()
                    .map(|s| s.to_string()),
            );
        }
        i = j;
    }
    out
}

/// At most `max` words, cut at a word boundary and never ending on "to", "the", "and"…; no
/// trailing punctuation.
fn cut_words(s: &str, max: usize) -> String {
    let mut ws: Vec<&str> = s.split_whitespace().collect();
    let cut = ws.len() > max;
    ws.truncate(max);
    if cut {
        while let Some(last) = ws.last() {
            let bare = last
                .trim_end_matches([',', ';', ':', '-', '–', '—'])
                .to_lowercase();
            if DANGLING.contains(&bare.as_str()) || !bare.chars().any(char::is_alphanumeric) {
                ws.pop();
            } else {
                break;
            }
        }
    }
    ws.join(" ")
        .trim_end_matches([',', ';', ':', '.', '-', '–', '—', '('])
        .trim()
        .to_string()
}

fn achievements(doc: &Doc, used: &[bool]) -> Vec<String> {
    let keep = |i: usize| {
        !used[i]
            && !matches!(
                doc.part[i],
                Section::Education | Section::Skills | Section::Other
            )
            && find_years(&doc.lines[i].text).is_none_or(|_| doc.lines[i].bullet)
    };
    let mut found: Vec<String> = Vec::new();
    for item in items_where(doc, keep) {
        let ws = super::words(&item);
        if ws.len() < 4 {
            continue;
        }
        // "Led …", "I led …", "Successfully launched …", "Revenue: grew …".
        let verb_early = ws.iter().take(4).any(|w| listed(ACTION_VERBS, w.as_str()));
        if !verb_early || !item.chars().next().is_some_and(char::is_alphanumeric) {
            continue;
        }
        let item = cut_words(&item, MAX_ACHIEVEMENT_WORDS);
        if !found.contains(&item) {
            found.push(item);
        }
    }
    // The ones with a figure first (a stable sort keeps the CV's order otherwise).
    found.sort_by_key(|a| !super::has_number(a));
    found.truncate(MAX_ACHIEVEMENTS);
    found
}

// ---------------------------------------------------------------------------------------------
// Job ads
// ---------------------------------------------------------------------------------------------

/// Words in front of a title that say nothing about the role.
const TITLE_FILLER: &str = "\
    a an our new next first talented experienced passionate motivated driven curious \
    exceptional skilled seasoned ambitious brilliant great";

/// Words after a title in a sentence ("a senior engineer to own…", "… who loves…").
const TITLE_ENDS: &str = "to who that at in with for on join based and which whose";

/// A title from the words after "hiring a", "looking for an"…: up to the first word that
/// ends it ("to", "who", "at", a comma…).
fn title_after(s: &str) -> Option<String> {
    let mut ws: Vec<&str> = Vec::new();
    let mut started = false;
    for w in s.split_whitespace() {
        let bare = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-' && c != '&');
        let lower = bare.to_lowercase();
        if !started && listed(TITLE_FILLER, lower.as_str()) {
            continue;
        }
        started = true;
        if listed(TITLE_ENDS, lower.as_str()) || !bare.chars().any(char::is_alphanumeric) {
            break;
        }
        ws.push(bare);
        if w.ends_with([',', '.', ';', ':', '!', '(', ')']) || ws.len() >= 6 {
            break;
        }
    }
    let title = ws.join(" ");
    is_role(&title).then_some(title)
}

/// A company name from the capitalised words at the start of `s` ("Northwind Logistics, a …").
fn name_at(s: &str) -> Option<String> {
    let mut ws: Vec<&str> = Vec::new();
    for w in s.split_whitespace() {
        let bare = w.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != '&');
        let bare = bare.trim_end_matches('.');
        let capital = bare.chars().any(|c| c.is_uppercase() || c.is_ascii_digit());
        let connector = NAME_CONNECTORS.contains(&bare.to_lowercase().as_str()) && !ws.is_empty();
        if bare.is_empty() || !(capital || connector) {
            break;
        }
        ws.push(bare);
        if w.len() != bare.len() || ws.len() >= MAX_NAME_WORDS {
            break;
        }
    }
    while ws
        .last()
        .is_some_and(|w| NAME_CONNECTORS.contains(&w.to_lowercase().as_str()))
    {
        ws.pop();
    }
    let name = ws.join(" ");
    (is_name(&name) && !is_role(&name)).then_some(name)
}

/// The text after the first place `needle` (lowercase ASCII words, `'` matching `’` too) is
/// found as whole words in `hay`, case-insensitively.
fn after_phrase<'a>(hay: &'a str, needle: &str) -> Option<&'a str> {
    // ASCII lowercasing keeps every byte offset of `hay`.
    let lower = hay.to_ascii_lowercase();
    for needle in [needle.to_string(), needle.replace('\'', "’")] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(&needle).map(|i| from + i) {
            let end = at + needle.len();
            if (at == 0 || !lower[..at].ends_with(char::is_alphanumeric))
                && !lower[end..].starts_with(char::is_alphanumeric)
            {
                return Some(hay[end..].trim_start());
            }
            from = at + needle.len();
        }
    }
    None
}

fn title_and_company(doc: &Doc) -> (Option<String>, Option<String>) {
    let texts: Vec<&str> = doc
        .lines
        .iter()
        .map(|l| l.text.as_str())
        .filter(|t| !t.is_empty())
        .collect();

    // "Job title: …", "Company: …": said outright, so first.
    let mut title: Option<String> = None;
    let mut company: Option<String> = None;
    for t in &texts {
        if let Some((label, value)) = t.split_once(':') {
            let value = value.trim();
            match heading_key(label).as_str() {
                "job title" | "title" | "position" | "role" if title.is_none() => {
                    // "Backend Engineer, Payments": the title without the team.
                    title = pieces(value)
                        .into_iter()
                        .find(|p| is_role(p))
                        .map(|p| cut_words(&p, 8));
                }
                "company" | "employer" | "organisation" | "organization" if company.is_none() => {
                    company = name_at(value);
                }
                _ => {}
            }
        }
    }

    // The first lines: "Senior Backend Engineer — Northwind Logistics", "… at Company".
    let mut top_title = None;
    let mut top_company = None;
    for (i, line) in doc
        .lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.text.is_empty())
        .take(2)
    {
        let labelled = line
            .text
            .split_once(':')
            .is_some_and(|(label, _)| words_in(label) <= 3);
        if doc.heading[i]
            || labelled
            || looks_like_sentence(&line.text)
            || words_in(&line.text) > 12
        {
            continue;
        }
        let found = classify(&line.text, line.bold.as_deref());
        if top_title.is_none() {
            top_title = found.role.map(|r| cut_words(&r, 8));
        }
        if top_company.is_none() && !found.school {
            top_company = found.employer;
        }
    }

    // "We're hiring a …", "Northwind is hiring a …", "… at Northwind", "Join Northwind as …".
    const HIRING: &[&str] = &[
        "we're hiring",
        "we are hiring",
        "is hiring",
        "we're looking for",
        "we are looking for",
        "is looking for",
        "are looking for",
        "looking for",
        "seeking",
        "as a",
        "as an",
        "as our",
    ];
    let mut said_title = None;
    let mut said_company = None;
    for t in &texts {
        for cue in HIRING {
            let Some(rest) = after_phrase(t, cue) else {
                continue;
            };
            if said_title.is_none() {
                said_title = title_after(rest);
            }
            if said_company.is_none()
                && let Some(at) = after_phrase(rest, "at")
            {
                said_company = name_at(at);
            }
            // "Northwind Logistics is hiring …": the name is what the sentence opens with.
            if said_company.is_none() && cue.starts_with("is ") {
                let before = t[..t.len() - rest.len()].trim_end();
                let before = before
                    .strip_suffix(cue.trim_end())
                    .unwrap_or(before)
                    .trim_end();
                said_company = name_at(before).filter(|n| n == before);
            }
        }
        if said_company.is_none()
            && let Some(rest) = after_phrase(t, "join")
        {
            said_company = name_at(rest);
        }
        if said_company.is_none()
            && let Some(rest) = t.strip_prefix("At ")
            && rest.contains(',')
        {
            said_company = name_at(rest);
        }
    }

    // "About Northwind Logistics" as a heading.
    let mut about_company = None;
    for line in &doc.lines {
        if line.bullet || words_in(&line.text) > 6 || section_heading(line, AD_SECTIONS).is_some() {
            continue;
        }
        if let Some(rest) = line.text.strip_prefix("About ") {
            let rest = rest.trim_end_matches(':');
            about_company = name_at(rest).filter(|n| n == rest);
            if about_company.is_some() {
                break;
            }
        }
    }

    // A title is best as the ad's first line has it (capitalised as a title); a company as a
    // sentence names it ("Umbrella is hiring"), since a first line may end with a team or a
    // market ("Account Executive, Mid-Market").
    (
        title.or(top_title).or(said_title),
        company.or(said_company).or(top_company).or(about_company),
    )
}

/// Words a requirement opens with that are not the skill ("5+ years of", "Strong experience
/// with", "Familiarity with"…). Matched repeatedly, longest first within each entry.
const REQUIREMENT_LEADS: &[&str] = &[
    "you have",
    "you've got",
    "you bring",
    "you are",
    "you're",
    "you've",
    "we'd love",
    "ideally",
    "bonus",
    "plus",
    "nice to have",
    "must have",
    "a",
    "an",
    "the",
    "at least",
    "minimum",
    "some",
    "strong",
    "solid",
    "deep",
    "proven",
    "excellent",
    "good",
    "great",
    "working",
    "hands-on",
    "practical",
    "demonstrable",
    "demonstrated",
    "extensive",
    "professional",
    "commercial",
    "production",
    "relevant",
    "real-world",
    "significant",
    "in-depth",
    "expert",
    "advanced",
    "previous",
    "prior",
    "knowledge of",
    "understanding of",
    "experience with",
    "experience in",
    "experience of",
    "experience building",
    "experience running",
    "experience using",
    "experience designing",
    "experience operating",
    "experience",
    "skills in",
    "skills",
    "proficiency in",
    "proficiency with",
    "proficient in",
    "proficient with",
    "expertise in",
    "expertise with",
    "familiarity with",
    "familiar with",
    "background in",
    "track record of",
    "a track record of",
    "comfortable with",
    "comfortable in",
    "confident with",
    "confident in",
    "fluent in",
    "fluency in",
    "fluent",
    "a similar",
    "similar",
    "ability to",
    "able to",
    "of",
    "in",
    "with",
    "building",
    "running",
    "using",
    "designing",
    "operating",
    "working with",
    "working on",
    "writing",
    "developing",
    "shipping",
    "maintaining",
];

/// Words a phrase ends with that are not the skill ("Kafka experience", "… is a plus").
const REQUIREMENT_TAILS: &[&str] = &[
    "is a plus",
    "a plus",
    "is a bonus",
    "a bonus",
    "preferred",
    "required",
    "desirable",
    "essential",
    "experience",
    "skills",
    "knowledge",
    "expertise",
    "etc",
    "or similar",
    "or equivalent",
];

/// Pieces that are not skills on their own.
const NOT_A_SKILL: &[&str] = &[
    "experience",
    "similar",
    "equivalent",
    "other",
    "others",
    "etc",
    "years",
    "plus",
    "bonus",
    "production",
    "it",
    "them",
    "us",
    "this",
    "that",
    "these",
    "things",
    "tools",
    "technologies",
    "languages",
    "related field",
    "a related field",
    "degree",
    "similar tools",
    "other languages",
    "code",
    "production code",
    "familiarity",
    "understanding",
    "knowledge",
    "proficiency",
    "expertise",
    "background",
    "fluency",
];

fn strip_leads(mut s: &str) -> &str {
    'outer: for _ in 0..8 {
        s = s.trim_start_matches(|c: char| !c.is_alphanumeric());
        // "5+ years", "3-5 years of"
        let digits = s
            .find(|c: char| !(c.is_ascii_digit() || "+-–".contains(c)))
            .unwrap_or(s.len());
        if digits > 0 {
            let rest = s[digits..].trim_start();
            for unit in ["years", "year", "yrs", "yr"] {
                if let Some(r) = strip_word(rest, unit) {
                    s = r;
                    continue 'outer;
                }
            }
        }
        for lead in REQUIREMENT_LEADS {
            if let Some(r) = strip_word(s, lead) {
                s = r;
                continue 'outer;
            }
        }
        break;
    }
    s
}

/// `s` without the leading words `lead` (case-insensitive, whole words), trimmed.
fn strip_word<'a>(s: &'a str, lead: &str) -> Option<&'a str> {
    let head = s.get(..lead.len())?;
    if !head.eq_ignore_ascii_case(lead) {
        return None;
    }
    let rest = &s[lead.len()..];
    rest.starts_with(|c: char| !c.is_alphanumeric() && c != '-')
        .then(|| rest.trim_start())
        .or_else(|| rest.is_empty().then_some(rest))
}

fn strip_tails(mut s: &str) -> &str {
    'outer: for _ in 0..4 {
        s = s.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '+' && c != '#');
        for tail in REQUIREMENT_TAILS {
            if s.len() > tail.len()
                && s.is_char_boundary(s.len() - tail.len())
                && s[s.len() - tail.len()..].eq_ignore_ascii_case(tail)
                && s[..s.len() - tail.len()].ends_with(' ')
            {
                s = &s[..s.len() - tail.len()];
                continue 'outer;
            }
        }
        break;
    }
    s.trim()
}

/// A slash splits "Go/Java" but not "CI/CD", "UI/UX" or "TCP/IP".
fn split_slashes(s: &str) -> Vec<&str> {
    let parts: Vec<&str> = s.split('/').collect();
    let short_caps = |p: &str| {
        let w = p.split_whitespace().next_back().unwrap_or("");
        w.len() <= 3 && w.chars().all(|c| c.is_ascii_uppercase())
    };
    if parts.len() > 1 && parts.iter().all(|p| short_caps(p.trim())) {
        vec![s]
    } else {
        parts
    }
}

/// The short noun phrases of one requirement: "5+ years building backend services in Go or
/// Java" → "backend services", "Go", "Java".
fn requirement_phrases(item: &str) -> Vec<String> {
    let mut s = strip_leads(item).replace(['(', ')'], ",");
    for sep in [
        " e.g. ",
        " e.g ",
        " eg. ",
        " i.e. ",
        "e.g.",
        " such as ",
        " including ",
        " like ",
        " especially ",
        " ideally ",
        " preferably ",
        " and/or ",
        " and ",
        " or ",
        " & ",
        " in ",
        " with ",
        " using ",
        " plus ",
        " as well as ",
        " across ",
        " on ",
    ] {
        s = replace_ci(&s, sep, ",");
    }
    let mut out = Vec::new();
    for piece in s.split([',', ';', ':']) {
        for piece in split_slashes(piece) {
            let p = strip_tails(strip_leads(piece.trim()));
            let p = p.trim_end_matches(['.', '!']).trim();
            if p.is_empty()
                || words_in(p) > 4
                || NOT_A_SKILL.contains(&p.to_lowercase().as_str())
                || super::words(p)
                    .iter()
                    .all(|w| super::is_stop_word(w) || DANGLING.contains(&w.as_str()))
                || p.chars().next().is_some_and(|c| c.is_ascii_digit())
            {
                continue;
            }
            out.push(sentence_case_off(p));
        }
    }
    out
}

fn replace_ci(s: &str, needle: &str, with: &str) -> String {
    let lower = s.to_ascii_lowercase();
    if lower.len() != s.len() {
        return s.replace(needle, with);
    }
    let mut out = String::with_capacity(s.len());
    let mut from = 0;
    while let Some(at) = lower[from..].find(needle).map(|i| from + i) {
        out.push_str(&s[from..at]);
        out.push_str(with);
        from = at + needle.len();
    }
    out.push_str(&s[from..]);
    out
}

/// "Distributed systems" (capitalised only because a bullet starts with it) → "distributed
/// systems"; "Go", "PostgreSQL", "AWS Lambda" stay as written.
fn sentence_case_off(p: &str) -> String {
    let ws: Vec<&str> = p.split_whitespace().collect();
    let plain_word = |w: &str| {
        let mut cs = w.chars();
        cs.next().is_some_and(char::is_uppercase) && cs.all(|c| c.is_lowercase() || c == '-')
    };
    let rest_lower = ws[1..].iter().all(|w| w.chars().all(|c| !c.is_uppercase()));
    if ws.len() > 1 && plain_word(ws[0]) && rest_lower {
        let mut cs = p.chars();
        let first: String = cs
            .next()
            .map(|c| c.to_lowercase().collect())
            .unwrap_or_default();
        return first + cs.as_str();
    }
    p.to_string()
}

/// One responsibility, without "You will", at most [`MAX_AD_ITEM_WORDS`] words.
fn duty(item: &str) -> String {
    let mut s = item.trim();
    for lead in ["you will", "you'll", "you’ll", "you would", "you'd", "will"] {
        if let Some(r) = strip_word(s, lead) {
            s = r;
            break;
        }
    }
    let s = cut_words(s, MAX_AD_ITEM_WORDS);
    let mut cs = s.chars();
    match cs.next() {
        Some(c) => c.to_uppercase().collect::<String>() + cs.as_str(),
        None => s,
    }
}

mod file;
pub use file::{ReadError, read};

#[cfg(test)]
mod tests;
