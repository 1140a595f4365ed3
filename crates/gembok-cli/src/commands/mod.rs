//! One module per group of subcommands; [`run`] dispatches.

mod apikey;
mod audit;
pub(crate) mod backup;
mod demo;
mod import;
mod init;
mod keys;
mod lifecycle;
pub(crate) mod migrate;
pub(crate) mod privacy;
mod records;
pub(crate) mod recovery;
pub(crate) mod requests;
pub(crate) mod restore;
pub(crate) mod retention;
mod scan;
mod schema;
mod serve;
pub(crate) mod subject;
mod user;

use anyhow::Result;

use crate::cli::{Cli, Command, KeysCommand};
use crate::vaultdir::VaultDir;

/// Run the parsed command.
pub fn run(cli: Cli) -> Result<()> {
    let dir = VaultDir::new(&cli.data_dir).with_database_url(cli.database_url.clone());
    let out = cli.output;
    match cli.command {
        Command::Init {
            schema,
            key_file,
            owner,
        } => init::run(
            &dir,
            out,
            schema.as_deref(),
            key_file.as_deref(),
            owner.as_deref(),
        ),
        Command::Put {
            collection,
            data,
            batch_size,
        } => records::put(&dir, out, &collection, &data, batch_size),
        Command::Get {
            collection,
            id,
            fields,
            masked,
            purpose,
        } => records::get(
            &dir,
            out,
            &collection,
            &id,
            records::ReadOptions {
                fields: fields.as_deref(),
                masked,
                purpose: purpose.as_deref(),
            },
        ),
        Command::Find {
            collection,
            query,
            fields,
            masked,
            purpose,
        } => records::find(
            &dir,
            out,
            &collection,
            &query,
            records::ReadOptions {
                fields: fields.as_deref(),
                masked,
                purpose: purpose.as_deref(),
            },
        ),
        Command::Update {
            collection,
            id,
            data,
        } => records::update(&dir, out, &collection, &id, &data),
        Command::Delete { collection, id } => records::delete(&dir, out, &collection, &id),
        Command::Schema { command } => schema::run(&dir, out, command),
        Command::Keys {
            command: KeysCommand::Recovery(command),
        } => recovery::run(&dir, out, command),
        Command::Keys { command } => keys::run(&dir, out, command),
        Command::Backup { command } => backup::run(&dir, out, command, cli.database_url.is_some()),
        Command::Restore(args) => restore::run(&dir, out, args),
        Command::Serve {
            listen,
            insecure_http,
            tls_cert,
            tls_key,
            metrics_listen,
        } => serve::run(
            &dir,
            serve::ServeOptions {
                listen,
                insecure_http,
                tls_cert,
                tls_key,
                metrics_listen,
            },
        ),
        Command::Apikey { command } => apikey::run(&dir, out, command),
        Command::Audit { command } => audit::run(&dir, out, command),
        Command::User { command } => user::run(&dir, out, command),
        Command::Subject { command } => subject::run(&dir, out, command),
        Command::Requests { command } => requests::run(&dir, out, command),
        Command::Retention { command } => retention::run(&dir, out, command),
        Command::Report { command } => retention::report(&dir, out, command),
        Command::Privacy { command } => privacy::run(&dir, out, command),
        Command::Demo { customers, keep } => demo::run(out, customers, keep.as_deref()),
        Command::Scan { paths } => scan::run(out, &paths),
        Command::MigrateStore(args) => migrate::run(&dir, out, args),
        Command::Import {
            file,
            collection,
            map,
            dry_run,
            yes,
            sheet,
            rejects,
            batch_size,
        } => import::run(
            &dir,
            out,
            import::Args {
                file,
                collection,
                map,
                dry_run,
                yes,
                sheet,
                rejects,
                batch_size,
            },
        ),
    }
}
