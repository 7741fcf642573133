//! The rules of a session's life: validation limits, status transitions, turn counting.

use super::*;

/// Trims a message and checks the contract's limits. Returns the text to store.
pub fn validate_message(content: &str) -> Result<String, RuleError> {
    let trimmed = content.trim();
    if trimmed.is_empty() {
        return Err(RuleError::Empty { field: "message" });
    }
    let len = trimmed.chars().count();
    if len > MAX_MESSAGE_CHARS {
        return Err(RuleError::TooLong {
            field: "message",
            len,
            max: MAX_MESSAGE_CHARS,
        });
    }
    Ok(trimmed.to_string())
}

/// Trims an optional setup field; empty becomes `None`; over the limit is an error.
pub fn validate_setup_field(
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, RuleError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let len = v.chars().count();
    if len > max {
        return Err(RuleError::TooLong { field, len, max });
    }
    Ok(Some(v.to_string()))
}

impl SessionSetup {
    /// Normalises every field (trimmed, empty → none) and checks the contract's limits.
    pub fn validate(&self) -> Result<SessionSetup, RuleError> {
        Ok(SessionSetup {
            preparation_type: self.preparation_type,
            meeting_subtype: validate_setup_field(
                "meeting_subtype",
                self.meeting_subtype.as_deref(),
                MAX_SETUP_CHARS,
            )?
            .map(|s| s.to_lowercase()),
            agenda: validate_setup_field("agenda", self.agenda.as_deref(), MAX_SETUP_CHARS)?,
            tone: validate_setup_field("tone", self.tone.as_deref(), MAX_SETUP_CHARS)?
                .map(|s| s.to_lowercase()),
            role_context: validate_setup_field(
                "role_context",
                self.role_context.as_deref(),
                MAX_ROLE_CONTEXT_CHARS,
            )?,
        })
    }
}

/// Counts turns: a user message answered by a later AI message. The coach's opening answers
/// nobody, and a user message still waiting for its reply is not a turn yet. Two writers that
/// interleave (`user, user, ai, ai`) still count two turns.
pub fn count_turns(roles: impl IntoIterator<Item = Role>) -> usize {
    let mut waiting = 0usize;
    let mut turns = 0usize;
    for role in roles {
        match role {
            Role::User => waiting += 1,
            Role::Ai if waiting > 0 => {
                waiting -= 1;
                turns += 1;
            }
            Role::Ai => {}
        }
    }
    turns
}

/// Whether a session in `status` takes new messages.
pub fn ensure_accepts_messages(status: SessionStatus) -> Result<(), RuleError> {
    let hint = match status {
        SessionStatus::InProgress => return Ok(()),
        SessionStatus::Setup => " yet — it has not started",
        SessionStatus::Completed => " — start a new one with `prapp session new`",
        SessionStatus::Archived => {
            " — restore it with `prapp session status <id> in_progress` first"
        }
    };
    Err(RuleError::NotInProgress {
        status,
        hint: hint.to_string(),
    })
}

/// Whether a session can be completed now.
pub fn ensure_completable(status: SessionStatus, turns: usize) -> Result<(), RuleError> {
    if status != SessionStatus::InProgress {
        return Err(RuleError::Transition {
            from: status,
            to: SessionStatus::Completed,
            hint: match status {
                SessionStatus::Completed => " — it is already completed",
                _ => " — only a session in progress can be completed",
            },
        });
    }
    if turns < MIN_TURNS_TO_COMPLETE {
        let left = MIN_TURNS_TO_COMPLETE - turns;
        return Err(RuleError::TooFewTurns {
            min: MIN_TURNS_TO_COMPLETE,
            has: turns,
            left,
            plural: if left == 1 { "" } else { "s" },
        });
    }
    Ok(())
}

/// How a session's turns read in lists and status bars: "2 turns (3 needed)" until it can be
/// completed, "4 turns ✓" when it can, "13 turns" once completed or archived.
pub fn turns_label(turns: usize, status: SessionStatus) -> String {
    let n = format!("{turns} turn{}", if turns == 1 { "" } else { "s" });
    match status {
        SessionStatus::Completed | SessionStatus::Archived => n,
        _ if turns < MIN_TURNS_TO_COMPLETE => format!("{n} ({MIN_TURNS_TO_COMPLETE} needed)"),
        _ => format!("{n} ✓"),
    }
}

/// PATCH semantics: `setup → in_progress`, anything `→ archived`, and `archived →` the status it
/// had before. Completion is not a PATCH: it goes through `complete`, which checks the turns.
/// Returns the status to store; `previous` is what an archived session had before.
pub fn patch_status(
    from: SessionStatus,
    previous: Option<SessionStatus>,
    to: SessionStatus,
) -> Result<SessionStatus, RuleError> {
    use SessionStatus::*;
    let refuse = |hint: &'static str| Err(RuleError::Transition { from, to, hint });
    match (from, to) {
        (_, Archived) => Ok(Archived),
        (Setup, InProgress) => Ok(InProgress),
        (a, b) if a == b => Ok(a),
        (Archived, wanted) if previous == Some(wanted) => Ok(wanted),
        (_, Completed) => refuse(" — complete it with `prapp session complete <id>`"),
        (Archived, _) => match previous {
            Some(p) => Err(RuleError::Transition {
                from,
                to,
                hint: match p {
                    Setup => " — it can only go back to setup",
                    InProgress => " — it can only go back to in_progress",
                    Completed => " — it can only go back to completed",
                    Archived => "",
                },
            }),
            None => refuse(""),
        },
        _ => refuse(
            " — allowed: setup → in_progress, any → archived, archived → its previous status",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn msg(role: Role) -> ChatMessage {
        ChatMessage {
            message_id: Uuid::now_v7(),
            role,
            content: "x".into(),
            timestamp: now(),
        }
    }

    #[test]
    fn turns_count_answered_user_messages_only() {
        use Role::*;
        let t: Vec<_> = [Ai, User, Ai, User, Ai, User].map(msg).to_vec();
        assert_eq!(
            count_turns(t.iter().map(|m| m.role)),
            2,
            "opening is no turn, trailing user waits"
        );
        assert_eq!(
            count_turns([Ai, User, User, Ai, Ai]),
            2,
            "interleaved writers"
        );
        assert_eq!(count_turns([]), 0);
    }

    #[test]
    fn message_limits() {
        assert_eq!(validate_message("  hi \n"), Ok("hi".into()));
        assert!(matches!(
            validate_message(" \n\t"),
            Err(RuleError::Empty { .. })
        ));
        let long = "é".repeat(MAX_MESSAGE_CHARS + 1);
        assert!(matches!(
            validate_message(&long),
            Err(RuleError::TooLong { len: 8001, .. })
        ));
        assert!(validate_message(&"é".repeat(MAX_MESSAGE_CHARS)).is_ok());
    }

    #[test]
    fn completion_needs_three_turns_in_progress() {
        let e = ensure_completable(SessionStatus::InProgress, 2).unwrap_err();
        assert!(e.to_string().contains("needs at least 3 turns"), "{e}");
        assert!(e.to_string().contains("has 2"), "{e}");
        assert!(ensure_completable(SessionStatus::InProgress, 3).is_ok());
        assert!(ensure_completable(SessionStatus::Archived, 5).is_err());
    }

    #[test]
    fn patch_transitions() {
        use SessionStatus::*;
        assert_eq!(patch_status(Setup, None, InProgress), Ok(InProgress));
        assert_eq!(patch_status(Completed, None, Archived), Ok(Archived));
        assert_eq!(
            patch_status(Archived, Some(Completed), Completed),
            Ok(Completed)
        );
        assert!(patch_status(Archived, Some(Completed), InProgress).is_err());
        assert!(patch_status(InProgress, None, Completed).is_err());
        assert!(patch_status(Completed, None, InProgress).is_err());
        assert!(patch_status(InProgress, None, Setup).is_err());
        assert_eq!(patch_status(InProgress, None, InProgress), Ok(InProgress));
    }

    #[test]
    fn unknown_type_lists_valid_ones() {
        let e = "interveiw".parse::<PreparationType>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown preparation type 'interveiw' — valid: interview, corporate, pitch, sales, presentation, other"
        );
        assert_eq!("Pitch".parse(), Ok(PreparationType::Pitch));
        assert_eq!("in-progress".parse(), Ok(SessionStatus::InProgress));
    }
}

#[cfg(test)]
mod turns_label_tests {
    use super::*;

    #[test]
    fn turns_read_as_progress_then_as_a_count() {
        assert_eq!(
            turns_label(1, SessionStatus::InProgress),
            "1 turn (3 needed)"
        );
        assert_eq!(
            turns_label(2, SessionStatus::InProgress),
            "2 turns (3 needed)"
        );
        assert_eq!(turns_label(4, SessionStatus::InProgress), "4 turns ✓");
        assert_eq!(turns_label(13, SessionStatus::Completed), "13 turns");
        assert_eq!(turns_label(5, SessionStatus::Archived), "5 turns");
    }
}
