//! `prapp profile show|set` and `prapp account`: the local user's profile (which the coach may
//! read) and a summary of their practice.

use std::io::Write;

use anyhow::Result;
use clap::{Args, Subcommand};

use super::Ctx;
use super::output::{self, BOLD, DIM, paint};
use crate::domain::{Profile, ProfileUpdate};

#[derive(Debug, Subcommand)]
pub enum ProfileCmd {
    /// Show your profile
    #[command(after_help = "Example:\n  prapp profile show --json")]
    Show(JsonArg),
    /// Change some fields of your profile ("" clears one)
    #[command(
        after_help = "Example:\n  prapp profile set --target-role \"Staff engineer\" --experience senior \\\n      --industry fintech --bio \"Ten years of backend work\""
    )]
    Set(SetArgs),
}

#[derive(Debug, Args)]
pub struct JsonArg {
    /// Print JSON (the contract's shape)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SetArgs {
    /// Your name
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// The role you are preparing for
    #[arg(long, value_name = "ROLE")]
    pub target_role: Option<String>,
    /// Your experience level (junior, mid, senior, staff, …)
    #[arg(long, value_name = "LEVEL")]
    pub experience: Option<String>,
    #[arg(long, value_name = "INDUSTRY")]
    pub industry: Option<String>,
    /// A few lines about you
    #[arg(long, value_name = "TEXT")]
    pub bio: Option<String>,
    /// The preparation type new sessions start with ("" clears it)
    #[arg(long = "default-type", value_name = "TYPE")]
    pub default_type: Option<String>,
    #[arg(long, value_name = "TONE")]
    pub default_tone: Option<String>,
    /// Print the profile as JSON afterwards
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, cmd: ProfileCmd) -> Result<i32> {
    let practice = ctx.practice()?;
    let (profile, json) = match cmd {
        ProfileCmd::Show(a) => (practice.profile()?, a.json),
        ProfileCmd::Set(a) => {
            let default_preparation_type = match a.default_type.as_deref().map(str::trim) {
                None => None,
                Some("") => Some(None),
                Some(t) => Some(super::parse_opt(Some(t))?),
            };
            let update = ProfileUpdate {
                full_name: a.name,
                target_role: a.target_role,
                experience_level: a.experience,
                industry: a.industry,
                bio: a.bio,
                default_preparation_type,
                default_tone: a.default_tone,
            };
            (practice.update_profile(&update)?, a.json)
        }
    };
    let mut out = output::stdout();
    if json {
        output::json(&mut out, &profile)?;
    } else {
        print_profile(&mut out, &profile)?;
    }
    Ok(0)
}

fn print_profile(out: &mut impl Write, p: &Profile) -> std::io::Result<()> {
    let unset = paint(DIM, "(not set)");
    let line = |v: &Option<String>| v.clone().unwrap_or_else(|| unset.clone());
    writeln!(out, "{}       {}", paint(BOLD, "name"), line(&p.full_name))?;
    writeln!(
        out,
        "{}       {}",
        paint(BOLD, "role"),
        line(&p.target_role)
    )?;
    writeln!(
        out,
        "{} {}",
        paint(BOLD, "experience"),
        line(&p.experience_level)
    )?;
    writeln!(out, "{}   {}", paint(BOLD, "industry"), line(&p.industry))?;
    writeln!(out, "{}        {}", paint(BOLD, "bio"), line(&p.bio))?;
    let t = p
        .preferences
        .default_preparation_type
        .map(|t| t.to_string());
    writeln!(out, "{} {}", paint(BOLD, "default type"), line(&t))?;
    writeln!(
        out,
        "{} {}",
        paint(BOLD, "default tone"),
        line(&p.preferences.default_tone)
    )
}

pub fn account(ctx: &Ctx, args: JsonArg) -> Result<i32> {
    let summary = ctx.practice()?.account()?;
    let mut out = output::stdout();
    if args.json {
        output::json(&mut out, &summary)?;
        return Ok(0);
    }
    let name = summary
        .user
        .full_name
        .clone()
        .unwrap_or_else(|| "local user".into());
    writeln!(out, "{}", paint(BOLD, name))?;
    writeln!(out, "sessions     {}", summary.session_count)?;
    writeln!(out, "completed    {}", summary.completed_session_count)?;
    writeln!(out, "evaluations  {}", summary.evaluation_count)?;
    writeln!(
        out,
        "activated    {}",
        if summary.user.is_activated {
            "yes"
        } else {
            "no — complete a session"
        }
    )?;
    Ok(0)
}
