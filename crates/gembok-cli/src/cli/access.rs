//! Who may reach the vault: the `apikey` subcommands (scoped, expiring keys for
//! programs) and the `user` subcommands (staff accounts for people who log in).

use clap::Subcommand;

#[derive(Subcommand, Debug)]
pub enum ApiKeyCommand {
    /// Make a key; it is shown once.
    Create {
        /// Role: owner, admin, dpo, support, analyst, app, or a custom role.
        #[arg(long)]
        role: String,
        /// Narrow the key to these collections.
        #[arg(long, value_delimiter = ',')]
        collections: Option<Vec<String>>,
        /// Narrow the key to these purposes.
        #[arg(long, value_delimiter = ',')]
        purposes: Option<Vec<String>>,
        /// Lifetime: 90d, 12w or 1y (at most a year).
        #[arg(long, default_value = "90d")]
        expires: String,
        /// Allowed client addresses (CIDR); repeat for more.
        #[arg(long)]
        allow_ip: Vec<String>,
        /// What the key is for (no secrets, no personal data).
        #[arg(long)]
        note: Option<String>,
    },
    /// List keys (never their secrets).
    List,
    /// Replace a key; the old one keeps working for the grace period.
    Rotate {
        id: String,
        /// Hours the old key stays valid (at most 168).
        #[arg(long, default_value_t = 24)]
        grace_hours: u32,
    },
    /// Revoke a key at once.
    Revoke { id: String },
    /// Revoke every key: the emergency switch after a leak.
    RevokeAll,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create an account; its one-time enrolment token is shown once.
    Add {
        /// The person's e-mail address (their login name).
        email: String,
        /// Role: owner, admin, dpo, support, analyst, or a custom role.
        #[arg(long)]
        role: String,
    },
    /// List accounts: id, e-mail, role, status, 2FA, locked (never a secret).
    List,
    /// Lift a lockout after too many failed attempts.
    Unlock { id: String },
    /// Issue a new enrolment token for an account that has not enrolled yet.
    EnrolmentToken { id: String },
}
