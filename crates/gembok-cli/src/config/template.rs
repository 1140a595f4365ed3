//! The text of a new `gembok.toml`, and the rewrite of its key line when it is pointed
//! at another key file (after a master-key rotation), which keeps every other line as
//! the operator left it.

/// The text of a new `gembok.toml`: the key file and every other setting commented
/// out at its default, so an operator sees what can be set.
pub fn template(key_line: &str) -> String {
    format!(
        "# Gembok vault configuration.\n{key_line}\n{}",
        r#"
# Audit log. Defaults shown; uncomment to change.
# [audit]
# checkpoint_every = 1000          # sign a checkpoint at least every this many events
# checkpoint_interval_secs = 60    # ... and at least this often while events arrive
# retention_days = 730             # events older than this are pruned (gembok audit prune)
# checkpoint_file = "/mnt/elsewhere/gembok-checkpoints.jsonl"  # copy of every checkpoint
# checkpoint_webhook = false       # also send every checkpoint to the [notify] channels

# Monitoring rules (see the README for every key).
# [monitor]
# dedup_minutes = 60
# [monitor.bulk_read]
# records = 200
# minutes = 10

# Staff accounts (gembok user add, the web login). Defaults shown.
# [accounts]
# business_name = "Toko Contoh"    # shown in authenticator apps; refused inside passwords
# issuer = "Toko Contoh"           # the name authenticator apps show (default: business_name)
# session_idle_minutes = 30        # a session ends after this long without use
# session_absolute_hours = 12      # ... and this long after login, whatever happens

# Where alerts go. Secrets are read from the environment variables named here.
# [[notify.webhook]]
# url = "https://hooks.example.co.id/gembok"
# secret_env = "GEMBOK_WEBHOOK_SECRET"

# The business named in the privacy notice (gembok privacy notice, /privacy).
# [business]
# name = "Toko Contoh"
# contact = "privasi@contoh.co.id"
# dpo = "Petugas Pelindungan Data, dpo@contoh.co.id"
# [[business.processors]]
# name = "Kurir Kilat"
# service_en = "parcel delivery"
# service_id = "pengiriman paket"
# classes = ["identity", "contact"]
# country = "ID"

# Deadlines of data-subject requests, in hours (UU PDP: 72 at most).
# [rights]
# default_hours = 72
# [rights.deadlines]
# gdpr = 720

# Retention: how often gembok serve enforces the schema's periods (0 = never).
# [retention]
# every_hours = 24
# inactive_years = 5              # also erase customers with no change for this long
# overdue_check_minutes = 15      # how often open requests are checked against deadlines

# Downstream systems told when a customer is erased (subject id and time only).
# [[erasure.webhook]]
# url = "https://crm.example.co.id/hooks/gembok-erasure"
# secret_env = "GEMBOK_ERASURE_SECRET"
"#
    )
}

/// `text` with its top-level `key_file` line replaced by `key_line` (added at the top
/// when missing); every other line, comments included, is kept.
pub fn replace_key_line(text: &str, key_line: &str) -> String {
    let mut out = Vec::new();
    let mut replaced = false;
    let mut in_table = false;
    for line in text.lines() {
        let t = line.trim_start();
        in_table |= t.starts_with('[');
        let is_key = !in_table
            && t.strip_prefix("key_file")
                .is_some_and(|rest| rest.trim_start().starts_with('='));
        if is_key && !replaced {
            out.push(key_line.to_owned());
            replaced = true;
        } else if !is_key {
            out.push(line.to_owned());
        }
    }
    if !replaced {
        out.insert(0, key_line.to_owned());
    }
    let mut joined = out.join("\n");
    joined.push('\n');
    joined
}
