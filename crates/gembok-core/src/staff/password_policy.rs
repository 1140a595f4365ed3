//! Staff password policy: decides whether a new password is acceptable and, if not, says
//! why in English and Bahasa Indonesia without ever repeating the password.
//!
//! The rules follow NIST SP 800-63B rev 4: a minimum length (15 characters when the password
//! is the only factor, 12 when the account has two-factor authentication), up to 128
//! characters accepted, no composition rules, a shipped blocklist of common passwords
//! (Indonesian favourites included, see `blocklist/common.txt`), the business name and the
//! user's e-mail parts refused as words, and a zxcvbn score of at least 3. Length is counted
//! in Unicode characters, not bytes.

use std::collections::HashSet;
use std::fmt;
use std::sync::OnceLock;

use zeroize::Zeroizing;

use hints::hint_id;

mod hints;
#[cfg(test)]
mod tests;

/// Minimum length for an account protected by a second factor.
pub const MIN_LEN_WITH_2FA: usize = 12;
/// Minimum length when the password is the only factor.
pub const MIN_LEN_WITHOUT_2FA: usize = 15;
/// Longest password accepted; longer ones are refused rather than silently truncated.
pub const MAX_LEN: usize = 128;
/// Lowest zxcvbn score (0-4) accepted.
pub const MIN_SCORE: u8 = 3;
/// zxcvbn is super-linear on crafted input, so it only ever sees this many characters.
const ZXCVBN_MAX_CHARS: usize = 100;
/// Shorter business-name or e-mail fragments ("co", "id") would refuse too much.
const MIN_PERSONAL_WORD: usize = 4;

const COMMON_PASSWORDS: &str = include_str!("blocklist/common.txt");

/// What the policy knows about the account the password is for.
#[derive(Clone, Copy, Default)]
pub struct PasswordContext<'a> {
    /// Whether the account has a second factor (TOTP); lowers the minimum length.
    pub has_2fa: bool,
    /// The business's own name; its words are refused inside passwords.
    pub business_name: Option<&'a str>,
    /// The user's e-mail address; its local part and domain labels are refused.
    pub email: Option<&'a str>,
}

// The e-mail is personal data: Debug says only whether it is there.
impl fmt::Debug for PasswordContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordContext")
            .field("has_2fa", &self.has_2fa)
            .field("business_name", &self.business_name.map(|_| "<set>"))
            .field("email", &self.email.map(|_| "<set>"))
            .finish()
    }
}

impl PasswordContext<'_> {
    /// The minimum length that applies to this account.
    pub fn min_len(&self) -> usize {
        if self.has_2fa {
            MIN_LEN_WITH_2FA
        } else {
            MIN_LEN_WITHOUT_2FA
        }
    }
}

/// Why a password was refused. Holds no part of the password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Fewer characters than the account's minimum.
    TooShort { min: usize },
    /// More characters than [`MAX_LEN`].
    TooLong { max: usize },
    /// A common password, possibly with digits or symbols around it or repeated.
    Blocklisted,
    /// Contains the business name or a part of the user's e-mail address.
    ContainsPersonalWord,
    /// zxcvbn scored it below [`MIN_SCORE`]; `hint` is zxcvbn's English advice.
    TooGuessable { score: u8, hint: Option<String> },
}

impl Refusal {
    /// A stable machine-readable code for API responses.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::TooShort { .. } => "password_too_short",
            Refusal::TooLong { .. } => "password_too_long",
            Refusal::Blocklisted => "password_blocklisted",
            Refusal::ContainsPersonalWord => "password_contains_personal_word",
            Refusal::TooGuessable { .. } => "password_too_guessable",
        }
    }

    /// The reason in English, for the person choosing the password.
    pub fn message_en(&self) -> String {
        match self {
            Refusal::TooShort { min } => format!(
                "The password is too short: use at least {min} characters. \
                 A few unrelated words make a long password that is easy to remember."
            ),
            Refusal::TooLong { max } => {
                format!("The password is too long: use at most {max} characters.")
            }
            Refusal::Blocklisted => "This password is on the list of commonly used passwords; \
                 adding digits or symbols does not help. Choose another one."
                .to_owned(),
            Refusal::ContainsPersonalWord => "The password must not contain the business name \
                 or parts of your e-mail address."
                .to_owned(),
            Refusal::TooGuessable { score, hint } => {
                let mut msg = format!(
                    "This password is too easy to guess (strength {score} of 4, \
                     at least {MIN_SCORE} needed)."
                );
                if let Some(hint) = hint {
                    msg.push(' ');
                    msg.push_str(hint);
                }
                msg
            }
        }
    }

    /// The reason in Bahasa Indonesia.
    pub fn message_id(&self) -> String {
        match self {
            Refusal::TooShort { min } => format!(
                "Kata sandi terlalu pendek: gunakan minimal {min} karakter. \
                 Beberapa kata acak yang tidak berhubungan membuat kata sandi panjang \
                 yang mudah diingat."
            ),
            Refusal::TooLong { max } => {
                format!("Kata sandi terlalu panjang: gunakan maksimal {max} karakter.")
            }
            Refusal::Blocklisted => "Kata sandi ini termasuk daftar kata sandi yang umum \
                 dipakai; menambahkan angka atau simbol tidak membantu. Pilih kata sandi lain."
                .to_owned(),
            Refusal::ContainsPersonalWord => "Kata sandi tidak boleh memuat nama usaha atau \
                 bagian dari alamat e-mail Anda."
                .to_owned(),
            Refusal::TooGuessable { score, hint } => {
                let mut msg = format!(
                    "Kata sandi ini terlalu mudah ditebak (kekuatan {score} dari 4, \
                     minimal {MIN_SCORE})."
                );
                if let Some(hint) = hint.as_deref().and_then(hint_id) {
                    msg.push(' ');
                    msg.push_str(hint);
                }
                msg
            }
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en())
    }
}

/// Checks a new password against the policy for the given account.
pub fn check(password: &str, ctx: &PasswordContext<'_>) -> Result<(), Refusal> {
    // Counting stops past the limit so a huge input costs no more than a long one.
    let len = password.chars().take(MAX_LEN + 1).count();
    if len > MAX_LEN {
        return Err(Refusal::TooLong { max: MAX_LEN });
    }
    let min = ctx.min_len();
    if len < min {
        return Err(Refusal::TooShort { min });
    }

    let lower = Zeroizing::new(password.to_lowercase());
    if is_blocklisted(&lower) {
        return Err(Refusal::Blocklisted);
    }
    let personal = personal_words(ctx);
    let alnum: Zeroizing<String> =
        Zeroizing::new(lower.chars().filter(|c| c.is_alphanumeric()).collect());
    if personal
        .iter()
        .any(|w| lower.contains(w.as_str()) || alnum.contains(w.as_str()))
    {
        return Err(Refusal::ContainsPersonalWord);
    }

    let truncated: Zeroizing<String> =
        Zeroizing::new(password.chars().take(ZXCVBN_MAX_CHARS).collect());
    // The blocklist doubles as a zxcvbn dictionary so Indonesian words count as words.
    let inputs: Vec<&str> = personal
        .iter()
        .map(String::as_str)
        .chain(blocklist().iter().map(String::as_str))
        .collect();
    let entropy = zxcvbn::zxcvbn(&truncated, &inputs);
    let score = u8::from(entropy.score());
    if score < MIN_SCORE {
        let hint = entropy.feedback().and_then(|fb| {
            fb.warning()
                .map(|w| w.to_string())
                .or_else(|| fb.suggestions().first().map(|s| s.to_string()))
        });
        return Err(Refusal::TooGuessable { score, hint });
    }
    Ok(())
}

fn blocklist() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        COMMON_PASSWORDS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_lowercase)
            .collect()
    })
}

/// `lower` is the lower-cased password. Refuses an entry as is, with digits or symbols
/// around it ("Bismillah123"), or repeated with anything between ("admin123admin").
fn is_blocklisted(lower: &str) -> bool {
    let set = blocklist();
    if set.contains(lower) {
        return true;
    }
    let stripped = lower.trim_matches(|c: char| !c.is_alphabetic());
    if !stripped.is_empty() && set.contains(stripped) {
        return true;
    }
    let letters: Zeroizing<Vec<char>> =
        Zeroizing::new(lower.chars().filter(|c| c.is_alphabetic()).collect());
    let n = letters.len();
    (1..=n / 2).filter(|p| n.is_multiple_of(*p)).any(|p| {
        letters
            .iter()
            .enumerate()
            .all(|(i, c)| *c == letters[i % p])
            && {
                let unit: Zeroizing<String> = Zeroizing::new(letters[..p].iter().collect());
                set.contains(unit.as_str())
            }
    })
}

/// Lower-cased words from the business name and e-mail, at least [`MIN_PERSONAL_WORD`] long.
fn personal_words(ctx: &PasswordContext<'_>) -> Vec<String> {
    let mut words = Vec::new();
    let mut add_with_parts = |text: &str| {
        let text = text.to_lowercase();
        words.push(text.chars().filter(|c| c.is_alphanumeric()).collect());
        words.extend(
            text.split(|c: char| !c.is_alphanumeric())
                .map(str::to_owned),
        );
    };
    if let Some(name) = ctx.business_name {
        add_with_parts(name);
    }
    if let Some(email) = ctx.email {
        let (local, domain) = email.rsplit_once('@').unwrap_or((email, ""));
        add_with_parts(local);
        for label in domain.split('.') {
            add_with_parts(label);
        }
    }
    words.retain(|w: &String| w.chars().count() >= MIN_PERSONAL_WORD);
    words.sort();
    words.dedup();
    words
}
