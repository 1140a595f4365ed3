//! Staff-account notices as notifications: a login from a new device or network, a
//! password change, 2FA turned off, a lockout and its lifting, a new owner, admin or dpo.
//!
//! Every notice goes to the channels of `[notify]` (the owners' webhooks and e-mail), and
//! the ones a person must hear about themselves (new device, password changed, 2FA off,
//! locked) also go by e-mail to that account's own address, when `[notify.smtp]` is set.
//! The text names the account id, its role and the client address only: never the
//! e-mail address (which goes into that one e-mail's envelope and nowhere else) and
//! never customer data. Listeners are called on the request's thread, so this only
//! queues; a full queue drops and counts, it never blocks a login.

use gembok_core::accounts::{AccountListener, AccountNotice, NoticeKind};
use gembok_notify::{Notification, NotifyHandle, Recipient};

/// Hands each account notice to the background notifier.
pub struct AccountNotifier {
    handle: NotifyHandle,
}

impl AccountNotifier {
    pub fn new(handle: NotifyHandle) -> Self {
        AccountNotifier { handle }
    }
}

impl AccountListener for AccountNotifier {
    fn notice(&self, notice: &AccountNotice) {
        let n = notification(notice);
        let kind = notice.kind.as_str();
        if let Err(e) = self.handle.send(n.clone()) {
            tracing::warn!(kind, id = %n.id, error = %e, "account notification dropped");
        }
        if !tells_the_person(notice.kind) || !self.handle.has_email() {
            return;
        }
        let Some(address) = &notice.recipient else {
            return;
        };
        match Recipient::parse(address.expose()) {
            Ok(to) => {
                if let Err(e) = self.handle.send_to(n, to) {
                    tracing::warn!(kind, account = %notice.account, error = %e,
                        "account e-mail to its holder dropped");
                }
            }
            Err(_) => tracing::warn!(kind, account = %notice.account,
                "the account's address cannot be mailed"),
        }
    }
}

/// Keeps the notices of a one-shot command (`gembok user ...`) to deliver before it
/// exits.
#[derive(Default)]
pub struct Collected {
    notices: std::sync::Mutex<Vec<AccountNotice>>,
}

impl Collected {
    pub fn take(&self) -> Vec<AccountNotice> {
        std::mem::take(&mut *self.notices.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

impl AccountListener for Collected {
    fn notice(&self, notice: &AccountNotice) {
        self.notices
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(notice.clone());
    }
}

/// Deliver `notices` through `notifier` now, waiting for every channel (the holder's
/// e-mail too, for the kinds that tell the person); failures are reported on stderr by
/// channel label and kind, never by address.
pub fn deliver_now(notifier: &gembok_notify::Notifier, notices: &[AccountNotice]) {
    if notices.is_empty() {
        return;
    }
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        eprintln!("gembok: cannot start the async runtime to send account notices");
        return;
    };
    runtime.block_on(async {
        for notice in notices {
            let n = notification(notice);
            let mut outcomes = notifier.deliver(&n).await;
            let to = notice
                .recipient
                .as_ref()
                .filter(|_| tells_the_person(notice.kind) && notifier.has_email())
                .and_then(|r| Recipient::parse(r.expose()).ok());
            if let Some(to) = to {
                outcomes.extend(notifier.deliver_to(&n, &to).await.unwrap_or_default());
            }
            for outcome in outcomes {
                if let Err(e) = &outcome.result {
                    eprintln!(
                        "gembok: notice {} not delivered via {}: {e}",
                        n.kind, outcome.channel
                    );
                }
            }
        }
    });
}

/// Whether the account's holder is e-mailed too (not only the owners).
pub fn tells_the_person(kind: NoticeKind) -> bool {
    matches!(
        kind,
        NoticeKind::NewDevice
            | NoticeKind::PasswordChanged
            | NoticeKind::TwoFactorDisabled
            | NoticeKind::Locked
    )
}

/// The notification of one notice: kind `account.*`, a bilingual title, and a message
/// naming the account id, its role and the client address.
pub fn notification(notice: &AccountNotice) -> Notification {
    let rand = gembok_crypto::random_bytes::<4>().unwrap_or_default();
    let who = format!("{} ({})", notice.account, notice.role);
    let from_en = notice
        .address
        .as_deref()
        .map_or_else(String::new, |a| format!(" from {}", one_line(a)));
    let from_id = notice
        .address
        .as_deref()
        .map_or_else(String::new, |a| format!(" dari {}", one_line(a)));
    let (title, en, id) = match notice.kind {
        NoticeKind::NewDevice => (
            "Gembok: login from a new device / masuk dari perangkat baru",
            format!(
                "Account {who} logged in{from_en} from a device or network not seen before. \
                 If this was not you, change your password and tell the owner."
            ),
            format!(
                "Akun {who} masuk{from_id} dari perangkat atau jaringan yang belum pernah \
                 dipakai. Jika bukan Anda, ganti kata sandi dan beri tahu pemilik."
            ),
        ),
        NoticeKind::PasswordChanged => (
            "Gembok: password changed / kata sandi diganti",
            format!("The password of account {who} was changed{from_en}."),
            format!("Kata sandi akun {who} diganti{from_id}."),
        ),
        NoticeKind::TwoFactorDisabled => (
            "Gembok: 2FA turned off / 2FA dimatikan",
            format!("Two-factor authentication of account {who} was turned off{from_en}."),
            format!("Verifikasi dua langkah akun {who} dimatikan{from_id}."),
        ),
        NoticeKind::Locked => (
            "Gembok: account locked / akun dikunci",
            format!(
                "Account {who} was locked after too many failed attempts{from_en}; \
                 an owner or admin can unlock it."
            ),
            format!(
                "Akun {who} dikunci setelah terlalu banyak percobaan gagal{from_id}; \
                 pemilik atau admin dapat membukanya."
            ),
        ),
        NoticeKind::Unlocked => (
            "Gembok: account unlocked / akun dibuka",
            format!("Account {who} was unlocked{from_en}."),
            format!("Akun {who} dibuka kembali{from_id}."),
        ),
        NoticeKind::AdminCreated => (
            "Gembok: new owner or admin account / akun pemilik atau admin baru",
            format!("Account {who} was created{from_en}."),
            format!("Akun {who} dibuat{from_id}."),
        ),
    };
    Notification {
        id: format!("acn_{:016x}_{}", notice.time.max(0), hex::encode(rand)),
        kind: notice.kind.as_str().to_owned(),
        title: title.to_owned(),
        message: format!("{en} / {id}"),
        occurred_at_ms: notice.time,
    }
}

/// A client address as it came from the request layer, kept to one short line.
fn one_line(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(64).collect()
}

#[cfg(test)]
mod tests;
