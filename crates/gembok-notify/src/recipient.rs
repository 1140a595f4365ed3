//! One extra e-mail recipient for a single notification: the person a security notice is
//! about (their new login, their lockout), as opposed to the operators listed in
//! `[notify.smtp] to`.
//!
//! The address is personal data, so it goes only into the SMTP envelope and the `To:`
//! header of that one message: never into a webhook body, a log line, an error or a
//! [`crate::DeliveryOutcome`]. `Debug` is redacted and the text is wiped on drop.
use std::fmt;

use lettre::message::Mailbox;
use zeroize::Zeroizing;

use crate::NotifyError;

/// A validated e-mail address to send one notification to.
#[derive(Clone)]
pub struct Recipient {
    text: Zeroizing<String>,
    mailbox: Mailbox,
}

impl Recipient {
    /// Checks the address; the error never repeats it.
    pub fn parse(address: &str) -> Result<Self, NotifyError> {
        let text = Zeroizing::new(address.trim().to_owned());
        // A display name or a second address would let the text choose more recipients.
        if text.is_empty() || text.contains(['<', '>', ',', ';']) {
            return Err(NotifyError::InvalidRecipient);
        }
        let mailbox: Mailbox = text.parse().map_err(|_| NotifyError::InvalidRecipient)?;
        Ok(Recipient { text, mailbox })
    }

    pub(crate) fn mailbox(&self) -> &Mailbox {
        &self.mailbox
    }

    /// The address, for the one place that must use it.
    pub fn expose(&self) -> &str {
        &self.text
    }
}

impl fmt::Debug for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Recipient([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked_and_never_shown() {
        let r = Recipient::parse(" siti@contoh.co.id ").unwrap();
        assert_eq!(r.expose(), "siti@contoh.co.id");
        assert!(!format!("{r:?}").contains("siti"));
        for bad in [
            "",
            "not an address",
            "a@b.c, evil@x.y",
            "Evil <evil@x.y>",
            "a@b.c\r\nBcc: x@y.z",
        ] {
            let err = Recipient::parse(bad).unwrap_err();
            assert_eq!(err, NotifyError::InvalidRecipient, "{bad}");
            if !bad.is_empty() {
                assert!(!err.to_string().contains(bad));
            }
        }
    }
}
