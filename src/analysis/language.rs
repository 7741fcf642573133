//! Is the answer English prose? Another language, lorem ipsum and bare lists of words are told
//! apart by the share of each language's commonest function words.

use super::lexicon::{LEXICON, LOREM_BIT};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    English,
    /// Another language, by ISO code ("es", "fr"…).
    Other(&'static str),
    /// Lorem ipsum, or mostly its words.
    Lorem,
    /// Words without sentences: a buzzword list, word salad.
    WordList,
    /// Too short to tell (fewer than 4 words): taken as English.
    Unknown,
}

impl Language {
    pub fn is_english(self) -> bool {
        matches!(self, Language::English | Language::Unknown)
    }

    pub fn name(self) -> &'static str {
        match self {
            Language::English | Language::Unknown => "English",
            Language::Other("es") => "Spanish",
            Language::Other("fr") => "French",
            Language::Other("de") => "German",
            Language::Other("it") => "Italian",
            Language::Other("pt") => "Portuguese",
            Language::Other(_) => "another language",
            Language::Lorem => "placeholder text (lorem ipsum)",
            Language::WordList => "a list of words, not sentences",
        }
    }
}

/// The language of `words` (lowercased, as [`crate::text::words`] gives them). `clauses` is the
/// number of clauses (pieces between punctuation), to tell a list of words from prose.
pub fn detect(words: &[crate::text::Word], clauses: usize) -> Language {
    let n = words.len();
    if n < 4 {
        return Language::Unknown;
    }
    let lx = &LEXICON.words;
    let (mut in_list, mut lorem) = ([0usize; 8], 0);
    for w in words {
        if let Some(&bits) = lx.lists_of.get(w.as_str()) {
            for (i, n) in in_list.iter_mut().enumerate() {
                *n += usize::from(bits & (1 << i) != 0);
            }
            lorem += usize::from(bits & LOREM_BIT != 0);
        }
    }
    if lorem as f64 / n as f64 >= 0.25 {
        return Language::Lorem;
    }
    let mut best = ("en", 0.0);
    let mut en = 0.0;
    for (i, (code, _)) in lx.stop.iter().enumerate() {
        let s = in_list[i] as f64 / n as f64;
        if *code == "en" {
            en = s;
        }
        if s > best.1 {
            best = (code, s);
        }
    }
    if best.0 != "en" && best.1 >= 0.12 && best.1 > en * 1.3 {
        return Language::Other(best.0);
    }
    let words_per_clause = n as f64 / clauses.max(1) as f64;
    if n >= 6 && en < 0.12 && words_per_clause < 3.5 {
        return Language::WordList;
    }
    if n >= 12 && en < 0.06 {
        return Language::WordList;
    }
    Language::English
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::words;

    fn lang(t: &str) -> Language {
        let clauses = t
            .split([',', '.', ';', '!', '?', '\n'])
            .filter(|c| !c.trim().is_empty())
            .count();
        detect(&words(t), clauses)
    }

    #[test]
    fn languages_are_told_apart() {
        assert_eq!(
            lang("Last year I led the migration of our billing platform to a new provider."),
            Language::English
        );
        assert_eq!(
            lang("El año pasado lideré la migración de nuestra plataforma de pagos con el equipo."),
            Language::Other("es")
        );
        assert_eq!(
            lang("L'année dernière j'ai dirigé la migration de notre plateforme avec l'équipe."),
            Language::Other("fr")
        );
        assert_eq!(
            lang("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor."),
            Language::Lorem
        );
        assert_eq!(
            lang(
                "Synergy, leverage, scalable, data-driven, stakeholder alignment, best-in-class, agile."
            ),
            Language::WordList
        );
        assert_eq!(lang("Yes."), Language::Unknown);
    }
}
