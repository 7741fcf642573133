//! Every piece of text the TUI shows, in one place.

pub const APP: &str = "prapp";
pub const SESSIONS_TITLE: &str = " Sessions ";
pub const NO_SESSIONS: &str = "No sessions yet. Press n to start one.";
pub const NO_MATCH: &str = "No session matches. Esc clears the search, s and t cycle the filters.";
pub const SEARCH_PROMPT: &str = "search: ";
pub const INPUT_TITLE: &str =
    " Your answer — Enter sends · Alt+Enter new line · Ctrl+E editor · ? help ";
pub const INPUT_PLACEHOLDER: &str = "Type your answer…";
pub const INPUT_CLOSED: &str = " This session takes no more answers · Esc back · e evaluation ";
pub const COACH: &str = "Coach";
pub const YOU: &str = "You";
pub const ANSWERING: &str = "coach is answering… Esc cancels";
pub const CANCELLED: &str = "reply cancelled — your answer is saved; press r in the empty answer box, or Ctrl+R, to ask again";
pub const FAILED_PREFIX: &str = "coach failed: ";
pub const RETRY_HINT: &str = " — your answer is saved; press r to ask again";
pub const OFFER_EVALUATE: &str = "Session completed. Evaluate it now? y / n";
pub const EVALUATING: &str = "evaluating…";
pub const CONFIRM_ARCHIVE: &str = "Archive this session? Nothing is erased. y / n";
pub const NEW_TITLE: &str =
    " New practice session — Tab next field · ←/→ choose · Enter start · Esc cancel ";
pub const EVAL_TITLE: &str = " Evaluation ";
pub const HELP_TITLE: &str = " Keys — ? or Esc closes ";
pub const SCROLLED: &str = "↓ more below — End follows";
pub const DRAFT_RESTORED: &str = "draft restored";

pub const HELP_SESSIONS: &[(&str, &str)] = &[
    ("j / k, ↑ / ↓", "move"),
    ("Enter", "open the session"),
    ("n", "new session"),
    ("e", "show the evaluation"),
    ("a", "archive (asks first)"),
    ("/", "search agenda and transcripts"),
    ("s", "cycle the status filter"),
    ("t", "cycle the type filter"),
    ("r", "reload"),
    ("q / Esc", "quit"),
    ("?", "this help"),
];

pub const HELP_CHAT: &[(&str, &str)] = &[
    ("Enter", "send your answer"),
    ("Alt+Enter / Shift+Enter", "new line"),
    ("Ctrl+E", "edit the answer in $EDITOR"),
    ("↑ on an empty box", "recall your last answer"),
    ("PgUp / PgDn, wheel", "scroll the transcript"),
    ("Ctrl+Home / Ctrl+End", "top / follow the newest"),
    ("Esc / Ctrl+C", "cancel the reply while the coach answers"),
    (
        "r / Ctrl+R",
        "ask the coach again (after a cancel or failure)",
    ),
    ("Ctrl+D", "complete the session (3 turns needed)"),
    ("Esc", "back to the sessions (your draft is kept)"),
    ("? / F1", "this help (? on an empty box)"),
];

pub const HELP_EVALUATION: &[(&str, &str)] = &[
    ("j / k, ↑ / ↓, PgUp / PgDn", "scroll"),
    ("g / G, Home / End", "top / bottom"),
    ("d", "start a drill on the weakest dimension"),
    ("q / Esc", "back"),
    ("?", "this help"),
];

pub const HELP_FORM: &[(&str, &str)] = &[
    ("Tab / Shift+Tab", "next / previous field"),
    ("← / →", "choose the type or subtype"),
    ("Enter", "start the session"),
    ("Esc", "cancel"),
];
