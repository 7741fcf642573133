//! The TUI's state and a pure state machine: [`App::handle`] takes an event (a key, a tick, a
//! chunk of the coach's reply, the answer of a background job) and returns [`Effect`]s as data.
//! No I/O happens here, so every behaviour is tested without a terminal.

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent, MouseEventKind};
use ratatui::text::Line;
use ratatui_textarea::{TextArea, WrapMode};
use uuid::Uuid;

use super::strings as s;
use crate::coach::bank;
use crate::domain::{
    Evaluation, PreparationType, Role, Session, SessionSetup, SessionStatus, TurnReply,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Sessions,
    Chat,
    Evaluation,
    NewSession,
}

/// Everything that can happen to the app.
// A handful of events a second: boxing the large ones would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Event {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Paste(String),
    Tick,
    Sessions(Vec<Session>),
    SearchResult {
        query: String,
        ids: Vec<Uuid>,
    },
    Opened {
        session: Session,
        draft: Option<String>,
    },
    Chunk(String),
    Replied(TurnReply),
    ReplyFailed {
        message: String,
        cancelled: bool,
    },
    Completed(Session),
    Evaluated {
        session: Session,
        evaluation: Evaluation,
    },
    Created(Session),
    Archived(Uuid),
    Edited(String),
    Failed(String),
}

/// What the app asks its driver to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    LoadSessions,
    Search(String),
    Open(Uuid),
    Send {
        id: Uuid,
        text: String,
    },
    Cancel,
    Retry(Uuid),
    Complete(Uuid),
    Evaluate(Uuid),
    ShowEvaluation(Uuid),
    Archive(Uuid),
    Create(SessionSetup),
    /// Start a drill session on a dimension, in the evaluated session's preparation type.
    Drill {
        dimension: crate::domain::Dimension,
        preparation_type: PreparationType,
    },
    SaveDraft {
        id: Uuid,
        text: String,
    },
    Edit(String),
    Quit,
}

#[derive(Debug, Default)]
pub struct SessionsView {
    pub all: Vec<Session>,
    pub status: Option<SessionStatus>,
    pub kind: Option<PreparationType>,
    pub search: String,
    pub searching: bool,
    /// Sessions whose transcript matches the search (agenda matches are checked locally).
    pub search_hits: Option<(String, Vec<Uuid>)>,
    pub selected: usize,
    pub loaded: bool,
}

impl SessionsView {
    /// The sessions shown, after filters and search.
    pub fn visible(&self) -> Vec<&Session> {
        let q = self.search.to_lowercase();
        self.all
            .iter()
            .filter(|x| match self.status {
                Some(st) => x.status == st,
                None => x.status != SessionStatus::Archived,
            })
            .filter(|x| self.kind.is_none_or(|k| x.preparation_type == k))
            .filter(|x| {
                q.is_empty()
                    || x.agenda
                        .as_deref()
                        .unwrap_or_default()
                        .to_lowercase()
                        .contains(&q)
                    || x.meeting_subtype
                        .as_deref()
                        .unwrap_or_default()
                        .contains(&q)
                    || self.search_hits.as_ref().is_some_and(|(hq, ids)| {
                        hq.to_lowercase() == q && ids.contains(&x.session_id)
                    })
            })
            .collect()
    }
}

pub struct ChatView {
    pub session: Session,
    pub input: TextArea<'static>,
    /// The coach's reply as it streams in.
    pub streaming: Option<String>,
    /// Lines scrolled up from the newest; 0 follows new output.
    pub scroll: usize,
    /// Total rendered lines at the last draw, to keep the view still while scrolled up.
    pub last_total: usize,
    pub last_answer: Option<String>,
    pub offer_evaluate: bool,
    /// The answer sent and not yet answered: if it never reached the store, it goes back into
    /// the input rather than being lost.
    pub in_flight: Option<String>,
    /// Wrapped lines per message and width: a frame only wraps what is new.
    pub cache: HashMap<(Uuid, u16), Vec<Line<'static>>>,
}

impl ChatView {
    pub fn new(session: Session, draft: Option<String>) -> Self {
        let last_answer = session
            .messages()
            .iter()
            .rev()
            .find(|m| m.role == Role::User)
            .map(|m| m.content.clone());
        let mut input = match draft {
            Some(d) if !d.is_empty() => TextArea::new(d.lines().map(String::from).collect()),
            _ => TextArea::default(),
        };
        input.move_cursor(ratatui_textarea::CursorMove::Bottom);
        input.move_cursor(ratatui_textarea::CursorMove::End);
        style_input(&mut input);
        ChatView {
            session,
            input,
            streaming: None,
            scroll: 0,
            last_total: 0,
            last_answer,
            offer_evaluate: false,
            in_flight: None,
            cache: HashMap::new(),
        }
    }

    pub fn text(&self) -> String {
        self.input.lines().join("\n")
    }

    fn set_text(&mut self, text: &str) {
        self.input = TextArea::new(text.lines().map(String::from).collect());
        self.input.move_cursor(ratatui_textarea::CursorMove::Bottom);
        self.input.move_cursor(ratatui_textarea::CursorMove::End);
        style_input(&mut self.input);
    }

    pub fn busy(&self) -> bool {
        self.streaming.is_some()
    }

    /// The transcript ends with an answer the coach has not replied to.
    pub fn awaiting_reply(&self) -> bool {
        self.session
            .messages()
            .last()
            .is_some_and(|m| m.role == Role::User)
    }

    pub fn open(&self) -> bool {
        self.session.status == SessionStatus::InProgress
    }
}

fn style_input(t: &mut TextArea<'static>) {
    t.set_placeholder_text(s::INPUT_PLACEHOLDER);
    t.set_wrap_mode(WrapMode::WordOrGlyph);
    t.set_cursor_line_style(ratatui::style::Style::default());
}

/// The new-session form.
#[derive(Debug, Clone, Default)]
pub struct Form {
    pub field: usize,
    pub kind: usize,
    pub subtype: usize,
    pub agenda: String,
    pub tone: String,
    pub context: String,
}

pub const FORM_FIELDS: [&str; 5] = [
    "Type",
    "Subtype",
    "Agenda",
    "Tone",
    "Context (text, or @path/to/cv.pdf|md)",
];

impl Form {
    pub fn preparation_type(&self) -> PreparationType {
        PreparationType::ALL[self.kind % PreparationType::ALL.len()]
    }

    pub fn subtypes(&self) -> Vec<&'static str> {
        bank::bank(self.preparation_type()).subtype_names()
    }

    pub fn subtype(&self) -> &'static str {
        let names = self.subtypes();
        names[self.subtype % names.len()]
    }

    fn text_field(&mut self) -> Option<&mut String> {
        match self.field {
            2 => Some(&mut self.agenda),
            3 => Some(&mut self.tone),
            4 => Some(&mut self.context),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    Archive(Uuid),
}

pub struct App {
    pub screen: Screen,
    pub help: bool,
    pub confirm: Option<Confirm>,
    pub sessions: SessionsView,
    pub chat: Option<ChatView>,
    pub evaluation: Option<(Session, Evaluation)>,
    pub eval_scroll: u16,
    pub form: Form,
    pub error: Option<String>,
    pub info: Option<String>,
    pub coach_name: String,
    pub tick: usize,
    pub working: Option<&'static str>,
    pub quit: bool,
    /// Keys remapped in the config file, for the help screen: (key, action).
    pub custom_keys: Vec<(String, String)>,
}

fn ctrl(k: &KeyEvent) -> bool {
    k.modifiers.contains(KeyModifiers::CONTROL)
}

impl App {
    pub fn new(coach_name: impl Into<String>) -> Self {
        App {
            screen: Screen::Sessions,
            help: false,
            confirm: None,
            sessions: SessionsView::default(),
            chat: None,
            evaluation: None,
            eval_scroll: 0,
            form: Form::default(),
            error: None,
            info: None,
            coach_name: coach_name.into(),
            tick: 0,
            working: None,
            quit: false,
            custom_keys: Vec::new(),
        }
    }

    /// Whether plain characters are text being typed (so remapped keys leave them alone).
    pub fn typing(&self) -> bool {
        match self.screen {
            Screen::Chat => true,
            Screen::NewSession => true,
            Screen::Sessions => self.sessions.searching,
            Screen::Evaluation => false,
        }
    }

    pub fn handle(&mut self, event: Event) -> Vec<Effect> {
        match event {
            Event::Key(k) if k.kind == KeyEventKind::Release => vec![],
            Event::Key(k) => self.key(k),
            Event::Mouse(m) => {
                match (self.screen, m.kind) {
                    (Screen::Chat, MouseEventKind::ScrollUp) => self.scroll_chat(3, true),
                    (Screen::Chat, MouseEventKind::ScrollDown) => self.scroll_chat(3, false),
                    (Screen::Evaluation, MouseEventKind::ScrollUp) => {
                        self.eval_scroll = self.eval_scroll.saturating_sub(3)
                    }
                    (Screen::Evaluation, MouseEventKind::ScrollDown) => {
                        self.eval_scroll = self.eval_scroll.saturating_add(3)
                    }
                    _ => {}
                }
                vec![]
            }
            Event::Paste(text) => {
                if self.screen == Screen::Chat
                    && let Some(c) = self.chat.as_mut()
                {
                    c.input.insert_str(text);
                } else if self.screen == Screen::NewSession
                    && let Some(f) = self.form.text_field()
                {
                    f.push_str(&text.replace('\n', " "));
                }
                vec![]
            }
            Event::Tick => {
                self.tick = self.tick.wrapping_add(1);
                vec![]
            }
            Event::Sessions(list) => {
                self.sessions.all = list;
                self.sessions.loaded = true;
                let n = self.sessions.visible().len();
                self.sessions.selected = self.sessions.selected.min(n.saturating_sub(1));
                vec![]
            }
            Event::SearchResult { query, ids } => {
                self.sessions.search_hits = Some((query, ids));
                self.sessions.selected = 0;
                vec![]
            }
            Event::Opened { session, draft } => {
                let restored = draft.as_deref().is_some_and(|d| !d.trim().is_empty());
                let awaiting = session
                    .messages()
                    .last()
                    .is_some_and(|m| m.role == Role::User);
                // A send that failed before the answer was stored: give the text back.
                let lost = self
                    .chat
                    .as_mut()
                    .filter(|c| c.session.session_id == session.session_id)
                    .and_then(|c| c.in_flight.take())
                    .filter(|t| {
                        !session
                            .messages()
                            .iter()
                            .any(|m| m.role == Role::User && m.content == *t)
                    });
                let kept_error = lost.is_some();
                let draft = match (lost, draft) {
                    (Some(t), None) => Some(t),
                    (Some(t), Some(d)) => Some(format!("{t}\n{d}")),
                    (None, d) => d,
                };
                self.chat = Some(ChatView::new(session, draft));
                self.screen = Screen::Chat;
                if !kept_error {
                    self.error = None;
                }
                self.info = restored.then(|| s::DRAFT_RESTORED.to_string());
                if awaiting {
                    self.info = Some(
                        s::CANCELLED.replace("reply cancelled", "the coach has not answered yet"),
                    );
                }
                vec![]
            }
            Event::Chunk(piece) => {
                if let Some(c) = self.chat.as_mut()
                    && let Some(buf) = c.streaming.as_mut()
                {
                    buf.push_str(&piece);
                }
                vec![]
            }
            Event::Replied(reply) => {
                if let Some(c) = self.chat.as_mut() {
                    c.streaming = None;
                    let t = c.session.transcript.get_or_insert_default();
                    // Replace the answer shown before it was stored with the stored one.
                    t.retain(|m| !m.message_id.is_nil());
                    if !t
                        .iter()
                        .any(|m| m.message_id == reply.user_message.message_id)
                    {
                        t.push(reply.user_message.clone());
                    }
                    t.push(reply.ai_message);
                    c.session.turn_count = reply.turn_number;
                    c.in_flight = None;
                }
                self.error = None;
                vec![]
            }
            Event::ReplyFailed { message, cancelled } => {
                if let Some(c) = self.chat.as_mut() {
                    c.streaming = None;
                }
                if cancelled {
                    self.info = Some(s::CANCELLED.into());
                    self.error = None;
                } else {
                    self.error = Some(format!("{}{message}{}", s::FAILED_PREFIX, s::RETRY_HINT));
                }
                // The answer is stored: show it by reloading the session.
                self.chat
                    .as_ref()
                    .map(|c| vec![Effect::Open(c.session.session_id)])
                    .unwrap_or_default()
            }
            Event::Completed(session) => {
                if let Some(c) = self.chat.as_mut() {
                    c.session = session;
                    c.offer_evaluate = true;
                }
                self.error = None;
                self.info = Some(s::OFFER_EVALUATE.into());
                vec![Effect::LoadSessions]
            }
            Event::Evaluated {
                session,
                evaluation,
            } => {
                self.working = None;
                self.evaluation = Some((session, evaluation));
                self.eval_scroll = 0;
                self.screen = Screen::Evaluation;
                self.info = None;
                vec![Effect::LoadSessions]
            }
            Event::Created(session) => {
                self.working = None;
                self.chat = Some(ChatView::new(session, None));
                self.screen = Screen::Chat;
                self.form = Form::default();
                self.error = None;
                self.info = None;
                vec![Effect::LoadSessions]
            }
            Event::Archived(_) => {
                self.info =
                    Some("archived — `prapp session list --status archived` shows it".into());
                vec![Effect::LoadSessions]
            }
            Event::Edited(text) => {
                if let Some(c) = self.chat.as_mut() {
                    c.set_text(text.trim_end_matches('\n'));
                }
                vec![]
            }
            Event::Failed(message) => {
                self.working = None;
                self.error = Some(message);
                vec![]
            }
        }
    }

    fn scroll_chat(&mut self, lines: usize, up: bool) {
        if let Some(c) = self.chat.as_mut() {
            c.scroll = if up {
                c.scroll.saturating_add(lines).min(c.last_total)
            } else {
                c.scroll.saturating_sub(lines)
            };
        }
    }

    fn key(&mut self, k: KeyEvent) -> Vec<Effect> {
        if self.help {
            if matches!(
                k.code,
                KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q') | KeyCode::F(1)
            ) {
                self.help = false;
            }
            return vec![];
        }
        if let Some(Confirm::Archive(id)) = self.confirm {
            self.confirm = None;
            return match k.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => vec![Effect::Archive(id)],
                _ => vec![],
            };
        }
        if k.code == KeyCode::F(1) {
            self.help = true;
            return vec![];
        }
        match self.screen {
            Screen::Sessions => self.key_sessions(k),
            Screen::Chat => self.key_chat(k),
            Screen::Evaluation => self.key_evaluation(k),
            Screen::NewSession => self.key_form(k),
        }
    }

    fn key_sessions(&mut self, k: KeyEvent) -> Vec<Effect> {
        let v = &mut self.sessions;
        if v.searching {
            match k.code {
                KeyCode::Esc => {
                    v.searching = false;
                    v.search.clear();
                    v.search_hits = None;
                }
                KeyCode::Enter => {
                    v.searching = false;
                    return if v.search.is_empty() {
                        vec![]
                    } else {
                        vec![Effect::Search(v.search.clone())]
                    };
                }
                KeyCode::Backspace => {
                    v.search.pop();
                }
                KeyCode::Char(c) if !ctrl(&k) => {
                    v.search.push(c);
                    v.selected = 0;
                }
                _ => {}
            }
            return vec![];
        }
        let n = v.visible().len();
        match k.code {
            KeyCode::Char('c') if ctrl(&k) => return self.quit(),
            KeyCode::Char('q') | KeyCode::Esc => {
                if !v.search.is_empty() {
                    v.search.clear();
                    v.search_hits = None;
                    return vec![];
                }
                return self.quit();
            }
            KeyCode::Char('j') | KeyCode::Down => {
                v.selected = (v.selected + 1).min(n.saturating_sub(1))
            }
            KeyCode::Char('k') | KeyCode::Up => v.selected = v.selected.saturating_sub(1),
            KeyCode::Home | KeyCode::Char('g') => v.selected = 0,
            KeyCode::End | KeyCode::Char('G') => v.selected = n.saturating_sub(1),
            KeyCode::PageDown => v.selected = (v.selected + 10).min(n.saturating_sub(1)),
            KeyCode::PageUp => v.selected = v.selected.saturating_sub(10),
            KeyCode::Char('/') => {
                v.searching = true;
                v.search.clear();
                v.search_hits = None;
            }
            KeyCode::Char('s') => {
                v.status = match v.status {
                    None => Some(SessionStatus::InProgress),
                    Some(SessionStatus::InProgress) => Some(SessionStatus::Completed),
                    Some(SessionStatus::Completed) => Some(SessionStatus::Archived),
                    _ => None,
                };
                v.selected = 0;
            }
            KeyCode::Char('t') => {
                let all = PreparationType::ALL;
                v.kind = match v.kind {
                    None => Some(all[0]),
                    Some(k) => all
                        .iter()
                        .position(|x| *x == k)
                        .and_then(|i| all.get(i + 1))
                        .copied(),
                };
                v.selected = 0;
            }
            KeyCode::Char('r') => return vec![Effect::LoadSessions],
            KeyCode::Char('n') => {
                self.form = Form::default();
                self.screen = Screen::NewSession;
                self.error = None;
            }
            KeyCode::Char('?') => self.help = true,
            KeyCode::Enter => {
                if let Some(sel) = v.visible().get(v.selected) {
                    return vec![Effect::Open(sel.session_id)];
                }
            }
            KeyCode::Char('e') => {
                if let Some(sel) = v.visible().get(v.selected) {
                    if sel.evaluation_summary.is_some() {
                        return vec![Effect::ShowEvaluation(sel.session_id)];
                    }
                    self.error = Some(
                        "this session has no evaluation yet — complete it, then evaluate".into(),
                    );
                }
            }
            KeyCode::Char('a') => {
                if let Some(sel) = v.visible().get(v.selected) {
                    self.confirm = Some(Confirm::Archive(sel.session_id));
                }
            }
            _ => {}
        }
        vec![]
    }

    fn quit(&mut self) -> Vec<Effect> {
        self.quit = true;
        let mut effects = self.save_draft();
        effects.push(Effect::Quit);
        effects
    }

    fn save_draft(&self) -> Vec<Effect> {
        match &self.chat {
            Some(c) if c.open() => vec![Effect::SaveDraft {
                id: c.session.session_id,
                text: c.text(),
            }],
            _ => vec![],
        }
    }

    fn key_chat(&mut self, k: KeyEvent) -> Vec<Effect> {
        let Some(c) = self.chat.as_mut() else {
            self.screen = Screen::Sessions;
            return vec![];
        };
        let id = c.session.session_id;
        if c.offer_evaluate {
            match k.code {
                KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Enter => {
                    c.offer_evaluate = false;
                    self.info = Some(s::EVALUATING.into());
                    self.working = Some(s::EVALUATING);
                    return vec![Effect::Evaluate(id)];
                }
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => {
                    c.offer_evaluate = false;
                    self.info = None;
                    return vec![];
                }
                _ => {}
            }
        }
        // While the coach answers: cancel or scroll, nothing else reaches the input.
        if c.busy() {
            match k.code {
                KeyCode::Esc => return vec![Effect::Cancel],
                KeyCode::Char('c') if ctrl(&k) => return vec![Effect::Cancel],
                KeyCode::PageUp => self.scroll_chat(10, true),
                KeyCode::PageDown => self.scroll_chat(10, false),
                _ => {
                    c.input.input(k);
                }
            }
            return vec![];
        }
        let empty = c.input.is_empty();
        match k.code {
            KeyCode::Esc => {
                let effects = self.save_draft();
                self.screen = Screen::Sessions;
                self.info = None;
                let mut e = effects;
                e.push(Effect::LoadSessions);
                return e;
            }
            KeyCode::Char('c') if ctrl(&k) => return self.quit(),
            KeyCode::Char('d') if ctrl(&k) => {
                if c.session.status != SessionStatus::InProgress {
                    self.error = Some(format!("the session is {}", c.session.status));
                    return vec![];
                }
                return vec![Effect::Complete(id)];
            }
            KeyCode::Char('e') if ctrl(&k) => return vec![Effect::Edit(c.text())],
            KeyCode::Char('r') if ctrl(&k) => return self.retry(),
            KeyCode::Char('r') if empty && c.awaiting_reply() && c.open() => return self.retry(),
            KeyCode::Char('e') if !c.open() => {
                return if c.session.evaluation_summary.is_some() {
                    vec![Effect::ShowEvaluation(id)]
                } else if c.session.status == SessionStatus::Completed {
                    self.working = Some(s::EVALUATING);
                    vec![Effect::Evaluate(id)]
                } else {
                    vec![]
                };
            }
            KeyCode::Char('?') if empty => self.help = true,
            KeyCode::Char('q') if !c.open() => {
                self.screen = Screen::Sessions;
                return vec![Effect::LoadSessions];
            }
            KeyCode::PageUp => self.scroll_chat(10, true),
            KeyCode::PageDown => self.scroll_chat(10, false),
            KeyCode::Home if ctrl(&k) || empty => {
                let total = c.last_total;
                c.scroll = total;
            }
            KeyCode::End if ctrl(&k) || empty => c.scroll = 0,
            KeyCode::Up if empty => {
                if let Some(last) = c.last_answer.clone() {
                    c.set_text(&last);
                }
            }
            KeyCode::Enter
                if k.modifiers
                    .intersects(KeyModifiers::ALT | KeyModifiers::SHIFT) =>
            {
                c.input.insert_newline();
            }
            KeyCode::Enter => {
                if !c.open() {
                    self.error = Some(format!(
                        "the session is {} and takes no more answers",
                        c.session.status
                    ));
                    return vec![];
                }
                let text = c.text();
                if text.trim().is_empty() {
                    return vec![];
                }
                match crate::domain::validate_message(&text) {
                    Ok(clean) => {
                        c.streaming = Some(String::new());
                        c.scroll = 0;
                        c.last_answer = Some(clean.clone());
                        c.in_flight = Some(clean.clone());
                        // Show the answer at once; the reply replaces this with the stored copy.
                        c.session.transcript.get_or_insert_default().push(
                            crate::domain::ChatMessage {
                                message_id: Uuid::nil(),
                                role: Role::User,
                                content: clean.clone(),
                                timestamp: crate::domain::now(),
                            },
                        );
                        c.set_text("");
                        self.error = None;
                        self.info = None;
                        return vec![Effect::Send { id, text: clean }];
                    }
                    Err(e) => self.error = Some(e.to_string()),
                }
            }
            _ => {
                c.input.input(k);
            }
        }
        vec![]
    }

    fn retry(&mut self) -> Vec<Effect> {
        let Some(c) = self.chat.as_mut() else {
            return vec![];
        };
        if !c.awaiting_reply() {
            self.error = Some("the coach has already answered your last message".into());
            return vec![];
        }
        c.streaming = Some(String::new());
        c.scroll = 0;
        self.error = None;
        self.info = None;
        vec![Effect::Retry(c.session.session_id)]
    }

    fn key_evaluation(&mut self, k: KeyEvent) -> Vec<Effect> {
        match k.code {
            KeyCode::Char('q') | KeyCode::Esc => {
                self.screen = Screen::Sessions;
                vec![Effect::LoadSessions]
            }
            KeyCode::Char('c') if ctrl(&k) => self.quit(),
            KeyCode::Char('j') | KeyCode::Down => {
                self.eval_scroll = self.eval_scroll.saturating_add(1);
                vec![]
            }
            KeyCode::Char('k') | KeyCode::Up => {
                self.eval_scroll = self.eval_scroll.saturating_sub(1);
                vec![]
            }
            KeyCode::PageDown => {
                self.eval_scroll = self.eval_scroll.saturating_add(10);
                vec![]
            }
            KeyCode::PageUp => {
                self.eval_scroll = self.eval_scroll.saturating_sub(10);
                vec![]
            }
            KeyCode::Home | KeyCode::Char('g') => {
                self.eval_scroll = 0;
                vec![]
            }
            KeyCode::End | KeyCode::Char('G') => {
                // Clamped to the last page when drawn.
                self.eval_scroll = u16::MAX;
                vec![]
            }
            KeyCode::Char('?') => {
                self.help = true;
                vec![]
            }
            KeyCode::Char('d') => match &self.evaluation {
                Some((session, e)) => {
                    let (dimension, _) = e.universal_scores.ascending()[0];
                    self.working = Some("starting a drill…");
                    vec![Effect::Drill {
                        dimension,
                        preparation_type: session.preparation_type,
                    }]
                }
                None => vec![],
            },
            _ => vec![],
        }
    }

    fn key_form(&mut self, k: KeyEvent) -> Vec<Effect> {
        let f = &mut self.form;
        match k.code {
            KeyCode::Esc => {
                self.screen = Screen::Sessions;
                return vec![];
            }
            KeyCode::Char('c') if ctrl(&k) => return self.quit(),
            KeyCode::Tab | KeyCode::Down => f.field = (f.field + 1) % FORM_FIELDS.len(),
            KeyCode::BackTab | KeyCode::Up => {
                f.field = (f.field + FORM_FIELDS.len() - 1) % FORM_FIELDS.len()
            }
            KeyCode::Left | KeyCode::Right if f.field < 2 => {
                let forward = k.code == KeyCode::Right;
                if f.field == 0 {
                    let n = PreparationType::ALL.len();
                    f.kind = if forward {
                        (f.kind + 1) % n
                    } else {
                        (f.kind + n - 1) % n
                    };
                    f.subtype = 0;
                } else {
                    let n = f.subtypes().len();
                    f.subtype = if forward {
                        (f.subtype + 1) % n
                    } else {
                        (f.subtype + n - 1) % n
                    };
                }
            }
            KeyCode::Enter => {
                let context = f.context.trim();
                let role_context = if let Some(path) = context.strip_prefix('@') {
                    // The same reader as `session new --context-file`: PDF, Markdown or text.
                    match crate::text::document::read(std::path::Path::new(path.trim())) {
                        Ok(text) => Some(text),
                        Err(crate::text::document::ReadError::Io(e)) => {
                            self.error = Some(format!("cannot read {}: {e}", path.trim()));
                            return vec![];
                        }
                        Err(crate::text::document::ReadError::Unreadable(what)) => {
                            self.error = Some(format!("{} {what}", path.trim()));
                            return vec![];
                        }
                    }
                } else {
                    Some(context.to_string())
                };
                let setup = SessionSetup {
                    preparation_type: Some(f.preparation_type()),
                    meeting_subtype: Some(f.subtype().to_string()),
                    agenda: Some(f.agenda.clone()),
                    tone: Some(f.tone.clone()),
                    role_context,
                };
                self.working = Some("starting…");
                return vec![Effect::Create(setup)];
            }
            KeyCode::Backspace => {
                if let Some(t) = f.text_field() {
                    t.pop();
                }
            }
            KeyCode::Char(ch) if !ctrl(&k) => {
                if let Some(t) = f.text_field() {
                    t.push(ch);
                } else if ch == '?' {
                    self.help = true;
                }
            }
            _ => {}
        }
        vec![]
    }

    /// Status bar facts for the chat screen.
    pub fn turns_label(session: &Session) -> String {
        crate::domain::turns_label(session.turn_count, session.status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ChatMessage, EvaluationSummary};

    fn key(code: KeyCode) -> Event {
        Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn ctrl_key(c: char) -> Event {
        Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
    }

    fn type_text(app: &mut App, text: &str) {
        for c in text.chars() {
            app.handle(key(KeyCode::Char(c)));
        }
    }

    fn msg(role: Role, content: &str) -> ChatMessage {
        ChatMessage {
            message_id: Uuid::now_v7(),
            role,
            content: content.into(),
            timestamp: crate::domain::now(),
        }
    }

    fn session(transcript: Vec<ChatMessage>) -> Session {
        Session {
            session_id: Uuid::from_u128(42),
            user_id: Uuid::nil(),
            preparation_type: PreparationType::Interview,
            meeting_subtype: Some("behavioral".into()),
            agenda: Some("Backend role".into()),
            tone: None,
            role_context: None,
            status: SessionStatus::InProgress,
            turn_count: crate::domain::count_turns(transcript.iter().map(|m| m.role)),
            transcript: Some(transcript),
            created_at: crate::domain::now(),
            updated_at: crate::domain::now(),
            completed_at: None,
            evaluation_summary: None,
        }
    }

    fn in_chat() -> App {
        let mut app = App::new("built-in");
        app.handle(Event::Opened {
            session: session(vec![msg(Role::Ai, "Tell me about yourself.")]),
            draft: None,
        });
        app
    }

    #[test]
    fn enter_sends_the_answer_and_shows_it_at_once() {
        let mut app = in_chat();
        assert_eq!(app.screen, Screen::Chat);
        type_text(&mut app, "I build payment systems.");
        let effects = app.handle(key(KeyCode::Enter));
        assert_eq!(
            effects,
            [Effect::Send {
                id: Uuid::from_u128(42),
                text: "I build payment systems.".into()
            }]
        );
        let c = app.chat.as_ref().unwrap();
        assert!(c.input.is_empty() && c.busy());
        assert_eq!(
            c.session.messages().last().unwrap().content,
            "I build payment systems."
        );
        // Chunks stream into the partial reply.
        app.handle(Event::Chunk("Thanks. ".into()));
        app.handle(Event::Chunk("Next?".into()));
        assert_eq!(
            app.chat.as_ref().unwrap().streaming.as_deref(),
            Some("Thanks. Next?")
        );
        let stored = msg(Role::User, "I build payment systems.");
        app.handle(Event::Replied(TurnReply {
            user_message: stored.clone(),
            ai_message: msg(Role::Ai, "Thanks. Next?"),
            turn_number: 1,
        }));
        let c = app.chat.as_ref().unwrap();
        let contents: Vec<&str> = c
            .session
            .messages()
            .iter()
            .map(|m| m.content.as_str())
            .collect();
        assert_eq!(
            contents,
            [
                "Tell me about yourself.",
                "I build payment systems.",
                "Thanks. Next?"
            ],
            "no duplicate answer"
        );
        assert!(!c.busy() && c.session.turn_count == 1);
    }

    #[test]
    fn empty_answers_are_not_sent_and_alt_enter_adds_a_line() {
        let mut app = in_chat();
        assert!(app.handle(key(KeyCode::Enter)).is_empty());
        type_text(&mut app, "first");
        app.handle(Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::ALT)));
        type_text(&mut app, "second");
        assert_eq!(app.chat.as_ref().unwrap().text(), "first\nsecond");
    }

    #[test]
    fn esc_while_streaming_cancels_and_the_answer_stays() {
        let mut app = in_chat();
        type_text(&mut app, "An answer.");
        app.handle(key(KeyCode::Enter));
        assert_eq!(app.handle(key(KeyCode::Esc)), [Effect::Cancel]);
        assert_eq!(
            app.handle(ctrl_key('c')),
            [Effect::Cancel],
            "Ctrl+C cancels too, not quits"
        );
        assert!(!app.quit);
        let effects = app.handle(Event::ReplyFailed {
            message: "cancelled".into(),
            cancelled: true,
        });
        assert_eq!(
            effects,
            [Effect::Open(Uuid::from_u128(42))],
            "reload the stored answer"
        );
        assert!(app.info.as_deref().unwrap().contains("press r"));
        // The reload shows the stored answer waiting for a reply: r asks again.
        app.handle(Event::Opened {
            session: session(vec![msg(Role::Ai, "Q?"), msg(Role::User, "An answer.")]),
            draft: None,
        });
        assert_eq!(
            app.handle(key(KeyCode::Char('r'))),
            [Effect::Retry(Uuid::from_u128(42))]
        );
    }

    #[test]
    fn after_a_cancel_r_is_a_letter_once_the_user_types() {
        let mut app = in_chat();
        type_text(&mut app, "An answer.");
        app.handle(key(KeyCode::Enter));
        app.handle(key(KeyCode::Esc));
        app.handle(Event::ReplyFailed {
            message: "cancelled".into(),
            cancelled: true,
        });
        assert!(app.info.as_deref().unwrap().contains("empty answer box"));
        app.handle(Event::Opened {
            session: session(vec![msg(Role::Ai, "Q?"), msg(Role::User, "An answer.")]),
            draft: None,
        });
        // Once the box holds text, r is a letter ("are", "really" typed after "A "), not a retry.
        type_text(&mut app, "A");
        assert!(app.handle(key(KeyCode::Char('r'))).is_empty());
        type_text(&mut app, "e really");
        assert_eq!(app.chat.as_ref().unwrap().text(), "Are really");
        // With the box empty again, r asks again, as the status bar says.
        app.chat.as_mut().unwrap().set_text("");
        assert_eq!(
            app.handle(key(KeyCode::Char('r'))),
            [Effect::Retry(Uuid::from_u128(42))]
        );
    }

    #[test]
    fn a_failed_send_reports_in_the_status_bar() {
        let mut app = in_chat();
        type_text(&mut app, "An answer.");
        app.handle(key(KeyCode::Enter));
        app.handle(Event::ReplyFailed {
            message: "connection reset".into(),
            cancelled: false,
        });
        let e = app.error.as_deref().unwrap();
        assert!(e.contains("connection reset") && e.contains("saved"), "{e}");
    }

    #[test]
    fn a_send_that_never_reached_the_store_puts_the_text_back() {
        let mut app = in_chat();
        type_text(&mut app, "My answer.");
        app.handle(key(KeyCode::Enter));
        let effects = app.handle(Event::ReplyFailed {
            message: "database is locked".into(),
            cancelled: false,
        });
        assert_eq!(effects, [Effect::Open(Uuid::from_u128(42))]);
        // The reload does not have the answer: it goes back into the input.
        app.handle(Event::Opened {
            session: session(vec![msg(Role::Ai, "Tell me about yourself.")]),
            draft: None,
        });
        assert_eq!(app.chat.as_ref().unwrap().text(), "My answer.");
        assert!(app.error.as_deref().unwrap().contains("database is locked"));
    }

    #[test]
    fn d_on_the_evaluation_starts_a_drill_on_the_weakest_dimension() {
        let mut app = App::new("built-in");
        let s = session(vec![
            msg(Role::Ai, "Q"),
            msg(Role::User, "Um, I guess, sort of."),
        ]);
        let a = crate::eval::heuristic::evaluate(&crate::eval::EvalInput::of(&s)).unwrap();
        let weakest = a.universal_scores.ascending()[0].0;
        let e = crate::domain::Evaluation::new(s.session_id, s.user_id, s.preparation_type, a);
        app.handle(Event::Evaluated {
            session: s,
            evaluation: e,
        });
        assert_eq!(
            app.handle(key(KeyCode::Char('d'))),
            [Effect::Drill {
                dimension: weakest,
                preparation_type: PreparationType::Interview
            }]
        );
    }

    #[test]
    fn complete_refused_then_accepted_then_evaluate() {
        let mut app = in_chat();
        assert_eq!(
            app.handle(ctrl_key('d')),
            [Effect::Complete(Uuid::from_u128(42))]
        );
        app.handle(Event::Failed(
            "the session needs at least 3 turns to be completed, has 0".into(),
        ));
        assert!(app.error.as_deref().unwrap().contains("at least 3 turns"));
        let mut done = session(vec![msg(Role::Ai, "Q")]);
        done.status = SessionStatus::Completed;
        app.handle(Event::Completed(done));
        assert!(app.chat.as_ref().unwrap().offer_evaluate);
        assert_eq!(
            app.handle(key(KeyCode::Char('y'))),
            [Effect::Evaluate(Uuid::from_u128(42))]
        );
        assert!(app.working.is_some());
    }

    #[test]
    fn up_on_an_empty_box_recalls_the_last_answer() {
        let mut app = App::new("built-in");
        app.handle(Event::Opened {
            session: session(vec![
                msg(Role::Ai, "Q"),
                msg(Role::User, "My last answer"),
                msg(Role::Ai, "Q2"),
            ]),
            draft: None,
        });
        app.handle(key(KeyCode::Up));
        assert_eq!(app.chat.as_ref().unwrap().text(), "My last answer");
    }

    #[test]
    fn leaving_keeps_the_draft_and_a_draft_comes_back() {
        let mut app = in_chat();
        type_text(&mut app, "half an answer");
        let effects = app.handle(key(KeyCode::Esc));
        assert_eq!(
            effects[0],
            Effect::SaveDraft {
                id: Uuid::from_u128(42),
                text: "half an answer".into()
            }
        );
        assert_eq!(app.screen, Screen::Sessions);
        app.handle(Event::Opened {
            session: session(vec![msg(Role::Ai, "Q")]),
            draft: Some("half an answer".into()),
        });
        assert_eq!(app.chat.as_ref().unwrap().text(), "half an answer");
        assert_eq!(app.info.as_deref(), Some(s::DRAFT_RESTORED));
        let effects = app.handle(ctrl_key('c'));
        assert!(effects.contains(&Effect::Quit) && matches!(effects[0], Effect::SaveDraft { .. }));
    }

    #[test]
    fn sessions_filter_search_open_and_archive_with_confirmation() {
        let mut app = App::new("built-in");
        let mut a = session(vec![]);
        a.session_id = Uuid::from_u128(1);
        a.agenda = Some("Pitch to seed investors".into());
        a.preparation_type = PreparationType::Pitch;
        let mut b = session(vec![]);
        b.session_id = Uuid::from_u128(2);
        b.status = SessionStatus::Completed;
        b.evaluation_summary = Some(EvaluationSummary { overall_score: 7.1 });
        app.handle(Event::Sessions(vec![a, b]));
        assert_eq!(app.sessions.visible().len(), 2);
        app.handle(key(KeyCode::Char('t')));
        assert_eq!(app.sessions.visible().len(), 1, "interview only");
        for _ in 0..6 {
            app.handle(key(KeyCode::Char('t')));
        }
        assert_eq!(app.sessions.kind, None, "cycles back to all types");
        app.handle(key(KeyCode::Char('/')));
        type_text(&mut app, "seed");
        assert_eq!(
            app.handle(key(KeyCode::Enter)),
            [Effect::Search("seed".into())]
        );
        assert_eq!(app.sessions.visible().len(), 1);
        assert_eq!(
            app.handle(key(KeyCode::Enter)),
            [Effect::Open(Uuid::from_u128(1))]
        );
        app.handle(key(KeyCode::Esc)); // clears the search
        app.handle(key(KeyCode::Char('j')));
        assert_eq!(app.handle(key(KeyCode::Char('a'))), []);
        assert!(app.confirm.is_some());
        assert_eq!(
            app.handle(key(KeyCode::Char('y'))),
            [Effect::Archive(Uuid::from_u128(2))]
        );
        assert_eq!(
            app.handle(key(KeyCode::Char('e'))),
            [Effect::ShowEvaluation(Uuid::from_u128(2))]
        );
    }

    #[test]
    fn new_session_form_builds_the_setup() {
        let mut app = App::new("built-in");
        app.handle(key(KeyCode::Char('n')));
        assert_eq!(app.screen, Screen::NewSession);
        app.handle(key(KeyCode::Right)); // corporate
        app.handle(key(KeyCode::Tab));
        app.handle(key(KeyCode::Right)); // second corporate subtype
        app.handle(key(KeyCode::Tab));
        type_text(&mut app, "Quarterly review");
        let effects = app.handle(key(KeyCode::Enter));
        let [Effect::Create(setup)] = effects.as_slice() else {
            panic!("{effects:?}")
        };
        assert_eq!(setup.preparation_type, Some(PreparationType::Corporate));
        assert_eq!(
            setup.meeting_subtype.as_deref(),
            Some(bank::bank(PreparationType::Corporate).subtype_names()[1])
        );
        assert_eq!(setup.agenda.as_deref(), Some("Quarterly review"));
    }

    #[test]
    fn help_opens_with_question_mark_on_an_empty_box_only() {
        let mut app = in_chat();
        app.handle(key(KeyCode::Char('?')));
        assert!(app.help);
        app.handle(key(KeyCode::Esc));
        assert!(!app.help);
        type_text(&mut app, "why");
        app.handle(key(KeyCode::Char('?')));
        assert!(!app.help);
        assert_eq!(app.chat.as_ref().unwrap().text(), "why?");
    }
}
