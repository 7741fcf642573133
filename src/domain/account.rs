//! Accounts: the profile a user keeps (what they practise for) and the account summary, with the
//! limits on their fields. The local user of a laptop has a profile too, for the coach to read.

use serde::{Deserialize, Serialize};

use super::{PreparationType, RuleError, User, validate_setup_field};

/// Names, roles, levels and industries: one line of text each.
pub const MAX_PROFILE_LINE_CHARS: usize = 200;
/// A bio is free text, as long as a setup field.
pub const MAX_BIO_CHARS: usize = super::MAX_SETUP_CHARS;
/// A password shorter than this is refused (the contract's "weak password").
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longer passwords are refused too, so nobody makes the server hash megabytes.
pub const MAX_PASSWORD_CHARS: usize = 1024;
pub const MAX_EMAIL_CHARS: usize = 254;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Preferences {
    #[schema(required = true)]
    pub default_preparation_type: Option<PreparationType>,
    #[schema(required = true)]
    pub default_tone: Option<String>,
}

/// The contract's Profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Profile {
    #[schema(required = true)]
    pub full_name: Option<String>,
    #[schema(required = true)]
    pub target_role: Option<String>,
    #[schema(required = true)]
    pub experience_level: Option<String>,
    #[schema(required = true)]
    pub industry: Option<String>,
    #[schema(required = true)]
    pub bio: Option<String>,
    pub preferences: Preferences,
}

/// A partial profile: a field that is absent stays as it is; an empty string clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileUpdate {
    pub full_name: Option<String>,
    pub target_role: Option<String>,
    pub experience_level: Option<String>,
    pub industry: Option<String>,
    pub bio: Option<String>,
    pub default_preparation_type: Option<Option<PreparationType>>,
    pub default_tone: Option<String>,
}

impl ProfileUpdate {
    /// Applies the update to `p`: trimmed, empty clears, over the limit is an error naming the
    /// field.
    pub fn apply(&self, mut p: Profile) -> Result<Profile, RuleError> {
        fn set(
            slot: &mut Option<String>,
            given: &Option<String>,
            field: &'static str,
            max: usize,
        ) -> Result<(), RuleError> {
            if let Some(v) = given {
                *slot = validate_setup_field(field, Some(v), max)?;
            }
            Ok(())
        }
        set(
            &mut p.full_name,
            &self.full_name,
            "full_name",
            MAX_PROFILE_LINE_CHARS,
        )?;
        set(
            &mut p.target_role,
            &self.target_role,
            "target_role",
            MAX_PROFILE_LINE_CHARS,
        )?;
        set(
            &mut p.experience_level,
            &self.experience_level,
            "experience_level",
            MAX_PROFILE_LINE_CHARS,
        )?;
        set(
            &mut p.industry,
            &self.industry,
            "industry",
            MAX_PROFILE_LINE_CHARS,
        )?;
        set(&mut p.bio, &self.bio, "bio", MAX_BIO_CHARS)?;
        set(
            &mut p.preferences.default_tone,
            &self.default_tone,
            "default_tone",
            super::MAX_SETUP_CHARS,
        )?;
        if let Some(t) = self.default_preparation_type {
            p.preferences.default_preparation_type = t;
        }
        Ok(p)
    }
}

/// The contract's answer to `GET /users/account` and `prapp account`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AccountSummary {
    pub user: User,
    pub session_count: usize,
    pub completed_session_count: usize,
    pub evaluation_count: usize,
}

/// Lowercased and trimmed, with one `@` between a non-empty local part and a dotted domain. Not
/// RFC 5322: enough to catch typos, and the same address always finds the same account.
pub fn normalize_email(given: &str) -> Result<String, RuleError> {
    let email = given.trim().to_lowercase();
    let bad = || RuleError::Invalid {
        field: "email",
        reason: "is not an email address".into(),
    };
    if email.chars().count() > MAX_EMAIL_CHARS {
        return Err(RuleError::TooLong {
            field: "email",
            len: email.chars().count(),
            max: MAX_EMAIL_CHARS,
        });
    }
    let (local, domain) = email.split_once('@').ok_or_else(bad)?;
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@');
    if local.is_empty() || !domain_ok || email.chars().any(char::is_whitespace) {
        return Err(bad());
    }
    Ok(email)
}

/// A new password must be 8..=1024 characters; nothing else is imposed (NIST 800-63B).
pub fn validate_password(field: &'static str, password: &str) -> Result<(), RuleError> {
    let len = password.chars().count();
    if len < MIN_PASSWORD_CHARS {
        return Err(RuleError::Invalid {
            field,
            reason: format!("is too weak: at least {MIN_PASSWORD_CHARS} characters"),
        });
    }
    if len > MAX_PASSWORD_CHARS {
        return Err(RuleError::TooLong {
            field,
            len,
            max: MAX_PASSWORD_CHARS,
        });
    }
    Ok(())
}

impl Profile {
    /// The profile in a sentence for the coach's prompt ("Target role: …; experience: …"), or
    /// None when it says nothing.
    pub fn describe(&self) -> Option<String> {
        let parts: Vec<String> = [
            ("Name", &self.full_name),
            ("Target role", &self.target_role),
            ("Experience", &self.experience_level),
            ("Industry", &self.industry),
            ("About", &self.bio),
        ]
        .iter()
        .filter_map(|(label, v)| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| format!("{label}: {s}"))
        })
        .collect();
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            normalize_email("  Ada@Example.ORG "),
            Ok("ada@example.org".into())
        );
        for bad in [
            "",
            "ada",
            "@x.org",
            "ada@",
            "ada@org",
            "ada@.org",
            "a b@x.org",
            "a@b@c.org",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_need_eight_characters() {
        assert!(validate_password("password", "1234567").is_err());
        assert!(validate_password("password", "12345678").is_ok());
        assert!(validate_password("password", &"x".repeat(1025)).is_err());
    }

    #[test]
    fn partial_update_keeps_absent_fields_and_clears_empty_ones() {
        let p = Profile {
            target_role: Some("SRE".into()),
            bio: Some("ops".into()),
            ..Profile::default()
        };
        let u = ProfileUpdate {
            bio: Some("  ".into()),
            industry: Some(" fintech ".into()),
            ..ProfileUpdate::default()
        };
        let p = u.apply(p).unwrap();
        assert_eq!(p.target_role.as_deref(), Some("SRE"));
        assert_eq!(p.bio, None);
        assert_eq!(p.industry.as_deref(), Some("fintech"));
        let long = ProfileUpdate {
            target_role: Some("x".repeat(201)),
            ..ProfileUpdate::default()
        };
        assert!(matches!(
            long.apply(Profile::default()),
            Err(RuleError::TooLong {
                field: "target_role",
                ..
            })
        ));
    }
}
