//! Key remapping from the `[keys]` section of the config file: `action = "key"`, e.g.
//! `quit = "x"` or `complete = "ctrl+s"`. A remapped key is translated to the action's default key
//! before the app sees it, so the defaults keep working too. Plain letters are only translated
//! where nothing is being typed (the session list, the evaluation), never in the answer box.

use std::collections::{BTreeMap, HashMap};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Every action that can be remapped, with its default key.
pub const ACTIONS: &[(&str, &str)] = &[
    ("quit", "q"),
    ("help", "?"),
    ("new", "n"),
    ("open", "enter"),
    ("archive", "a"),
    ("search", "/"),
    ("status_filter", "s"),
    ("type_filter", "t"),
    ("reload", "r"),
    ("evaluation", "e"),
    ("down", "j"),
    ("up", "k"),
    ("top", "g"),
    ("bottom", "G"),
    ("drill", "d"),
    ("send", "enter"),
    ("newline", "alt+enter"),
    ("editor", "ctrl+e"),
    ("complete", "ctrl+d"),
    ("regenerate", "ctrl+r"),
    ("cancel", "esc"),
];

/// Parses "ctrl+e", "alt+enter", "f1", "pageup", "x", "G".
pub fn parse(spec: &str) -> Result<KeyEvent, String> {
    let mut mods = KeyModifiers::NONE;
    let mut rest = spec.trim();
    loop {
        let lower = rest.to_ascii_lowercase();
        let (m, len) = if lower.starts_with("ctrl+") {
            (KeyModifiers::CONTROL, 5)
        } else if lower.starts_with("alt+") {
            (KeyModifiers::ALT, 4)
        } else if lower.starts_with("shift+") {
            (KeyModifiers::SHIFT, 6)
        } else {
            break;
        };
        mods |= m;
        rest = &rest[len..];
    }
    let code = match rest.to_ascii_lowercase().as_str() {
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "space" => KeyCode::Char(' '),
        "backspace" => KeyCode::Backspace,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pageup" => KeyCode::PageUp,
        "pagedown" => KeyCode::PageDown,
        f if f.len() > 1
            && f.starts_with('f')
            && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) =>
        {
            KeyCode::F(f[1..].parse().unwrap_or(1))
        }
        _ if rest.chars().count() == 1 => KeyCode::Char(rest.chars().next().unwrap_or(' ')),
        _ => {
            return Err(format!(
                "'{spec}' is not a key — use e.g. \"x\", \"ctrl+s\", \"alt+enter\", \"f2\""
            ));
        }
    };
    Ok(KeyEvent::new(code, mods))
}

/// User key → the default key of the action it stands for.
#[derive(Debug, Clone, Default)]
pub struct Keymap {
    map: HashMap<(KeyCode, KeyModifiers), KeyEvent>,
    /// For the help screen: "x → quit".
    pub described: Vec<(String, String)>,
}

impl Keymap {
    pub fn from_config(keys: &BTreeMap<String, String>) -> Result<Keymap, String> {
        let mut k = Keymap::default();
        for (action, spec) in keys {
            let Some((_, default)) = ACTIONS.iter().find(|(a, _)| a == action) else {
                let valid: Vec<&str> = ACTIONS.iter().map(|(a, _)| *a).collect();
                return Err(format!(
                    "[keys] has an unknown action '{action}' — valid: {}",
                    valid.join(", ")
                ));
            };
            let user = parse(spec).map_err(|e| format!("[keys] {action}: {e}"))?;
            let target = parse(default)?;
            k.map.insert((user.code, user.modifiers), target);
            k.described.push((spec.clone(), action.clone()));
        }
        Ok(k)
    }

    /// The key the app should see. `typing`: the answer box or a text field has the focus, so
    /// plain characters are left alone.
    pub fn translate(&self, key: KeyEvent, typing: bool) -> KeyEvent {
        let plain_char = matches!(key.code, KeyCode::Char(_))
            && !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        if typing && plain_char {
            return key;
        }
        // Shift is part of the character for letters ("G"), so match without it too.
        let found = self.map.get(&(key.code, key.modifiers)).or_else(|| {
            self.map
                .get(&(key.code, key.modifiers - KeyModifiers::SHIFT))
        });
        match found {
            Some(target) => KeyEvent {
                kind: key.kind,
                state: key.state,
                ..*target
            },
            None => key,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> Result<Keymap, String> {
        Keymap::from_config(
            &pairs
                .iter()
                .map(|(a, k)| (a.to_string(), k.to_string()))
                .collect(),
        )
    }

    #[test]
    fn parses_keys() {
        assert_eq!(
            parse("ctrl+s").unwrap(),
            KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)
        );
        assert_eq!(
            parse("Alt+Enter").unwrap(),
            KeyEvent::new(KeyCode::Enter, KeyModifiers::ALT)
        );
        assert_eq!(parse("f2").unwrap().code, KeyCode::F(2));
        assert_eq!(parse("G").unwrap().code, KeyCode::Char('G'));
        assert!(parse("ctrl+banana").is_err());
    }

    #[test]
    fn remaps_to_the_default_key_and_spares_typing() {
        let k = map(&[("quit", "x"), ("complete", "ctrl+s")]).unwrap();
        let x = KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE);
        assert_eq!(k.translate(x, false).code, KeyCode::Char('q'));
        assert_eq!(
            k.translate(x, true),
            x,
            "typing an x in an answer stays an x"
        );
        let s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert_eq!(
            k.translate(s, true),
            KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL)
        );
        let e = map(&[("jump", "x")]).unwrap_err();
        assert!(
            e.contains("unknown action 'jump'") && e.contains("quit"),
            "{e}"
        );
        assert!(
            map(&[("quit", "ctrl+nope")])
                .unwrap_err()
                .contains("[keys] quit")
        );
    }
}
