//! `imago serve`, `imago users`, `imago keys`: the image host and its accounts.

use std::sync::Arc;

use anyhow::{anyhow, Context, Result};
use imago_server::repo::Repo;
use imago_server::store::Store;
use imago_server::{open_backends, AccountError, Config, Overrides};

use crate::cli::{KeysCommand, PasswordInput, ServeArgs, StorageArgs, UsersCommand};
use crate::{BadInput, Outcome, ResultExt};

/// Settings in layers: defaults, `imago.toml`, `IMAGO_*`, then the flags in `overrides`.
/// A value that does not parse is bad input (exit code 2).
fn config(storage: &StorageArgs, mut overrides: Overrides) -> Result<Config> {
    overrides.data_dir = storage.data.clone();
    overrides.database_url = storage.database_url.clone();
    overrides.store = storage.store.clone();
    overrides.s3_endpoint = storage.s3_endpoint.clone();
    overrides.s3_region = storage.s3_region.clone();
    let file = imago_server::config::settings_file(storage.config.clone());
    Ok(Config::load(file.as_deref(), std::env::vars(), overrides).bad_input()?)
}

/// The database and the byte store the settings name; failing to reach them is a runtime
/// failure (exit code 3), not bad input.
async fn backends(cfg: &Config) -> Result<(Arc<dyn Repo>, Arc<dyn Store>)> {
    open_backends(&cfg.data_dir, &cfg.storage)
        .await
        .with_context(|| format!("cannot open the storage of {}", cfg.data_dir.display()))
}

/// Account errors the user fixes (a taken or unknown name, a short password) are bad
/// input; the database's are runtime failures.
fn account_error(what: String, e: AccountError) -> anyhow::Error {
    let user_fixes = matches!(
        e,
        AccountError::NoSuchUser(_)
            | AccountError::UserExists(_)
            | AccountError::BadName
            | AccountError::BadPassword
    );
    let e = anyhow!(e).context(what);
    if user_fixes {
        BadInput(e).into()
    } else {
        e
    }
}

pub async fn serve(args: ServeArgs) -> Result<Outcome> {
    let overrides = Overrides {
        listen: args.listen,
        public_url: args.public_url.clone(),
        body_limit: args.body_limit.clone(),
        guest_uploads: args.guest_uploads.then_some(true),
        default_expiry: args.default_expiry.clone(),
        strip_metadata: args.keep_metadata.then_some(false),
        ..Overrides::default()
    };
    let cfg = config(&args.storage, overrides)?;
    let (repo, store) = backends(&cfg).await?;
    let server = imago_server::Server::bind(cfg, repo, store).await?;
    eprintln!("imago: serving on http://{}", server.local_addr());
    server
        .run(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(Outcome::Done)
}

pub async fn users(cmd: UsersCommand) -> Result<Outcome> {
    match cmd {
        UsersCommand::Add {
            name,
            admin,
            password,
            input,
            storage: s,
        } => {
            // Asked before anything is created, so a mistyped password leaves no account.
            let password = (password || input.password_stdin)
                .then(|| read_password(&input, &name))
                .transpose()?;
            if let Some(p) = &password {
                imago_server::accounts::check_password(p)
                    .map_err(|e| account_error(format!("users add {name}"), e))?;
            }
            let cfg = config(&s, Overrides::default())?;
            let (repo, _) = backends(&cfg).await?;
            let (user, key) = imago_server::create_user(repo.as_ref(), &name, admin)
                .await
                .map_err(|e| account_error(format!("users add {name}"), e))?;
            if let Some(p) = &password {
                imago_server::accounts::set_password(repo.as_ref(), &name, p)
                    .await
                    .map_err(|e| {
                        account_error(format!("users add {name}: setting the password"), e)
                    })?;
            }
            eprintln!(
                "imago: created {}{}{}; its API key (shown once):",
                user.name,
                if user.is_admin { " (admin)" } else { "" },
                if password.is_some() {
                    " with a password"
                } else {
                    ""
                }
            );
            crate::out::line(&key);
        }
        UsersCommand::Passwd {
            name,
            input,
            storage: s,
        } => {
            let password = read_password(&input, &name)?;
            let cfg = config(&s, Overrides::default())?;
            let (repo, _) = backends(&cfg).await?;
            imago_server::accounts::set_password(repo.as_ref(), &name, &password)
                .await
                .map_err(|e| account_error(format!("users passwd {name}"), e))?;
            eprintln!("imago: the password of {name} is set; sign in with it on the web page");
        }
    }
    Ok(Outcome::Done)
}

/// The password from the first line of standard input, or asked twice on the terminal
/// without echo.
fn read_password(input: &PasswordInput, name: &str) -> Result<String> {
    let min = imago_server::accounts::MIN_PASSWORD_CHARS;
    if input.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        let password = line.trim_end_matches(['\r', '\n']).to_string();
        if password.is_empty() {
            return Err(BadInput(anyhow!(
                "--password-stdin: standard input was empty; pipe the password in, e.g. `printf '%s\\n' \"$PW\" | imago users passwd {name} --password-stdin`"
            )).into());
        }
        return Ok(password);
    }
    let ask = |prompt: &str| {
        rpassword::prompt_password(prompt).map_err(|e| {
            anyhow::Error::from(BadInput(anyhow!(
                "no terminal to ask for the password on ({e}); pipe it with --password-stdin"
            )))
        })
    };
    let first = ask(&format!(
        "Password for {name} (at least {min} characters): "
    ))?;
    let second = ask("The same password again: ")?;
    if first != second {
        return Err(BadInput(anyhow!("the two passwords differ; nothing was changed")).into());
    }
    Ok(first)
}

pub async fn keys(cmd: KeysCommand) -> Result<Outcome> {
    match cmd {
        KeysCommand::Create {
            user,
            label,
            storage: s,
        } => {
            let cfg = config(&s, Overrides::default())?;
            let (repo, _) = backends(&cfg).await?;
            let (_, key) = imago_server::create_key(repo.as_ref(), &user, label.as_deref())
                .await
                .map_err(|e| account_error(format!("keys create {user}"), e))?;
            eprintln!("imago: new API key for {user} (shown once):");
            crate::out::line(&key);
        }
        KeysCommand::List { user, storage: s } => {
            let cfg = config(&s, Overrides::default())?;
            let (repo, _) = backends(&cfg).await?;
            let keys = imago_server::list_keys(repo.as_ref(), &user)
                .await
                .map_err(|e| account_error(format!("keys list {user}"), e))?;
            for k in keys {
                let state = if k.revoked_at.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                crate::out::line(&format!(
                    "{}\t{state}\t{}",
                    k.prefix,
                    k.label.unwrap_or_default()
                ));
            }
        }
        KeysCommand::Revoke { prefix, storage: s } => {
            let cfg = config(&s, Overrides::default())?;
            let (repo, _) = backends(&cfg).await?;
            let done = imago_server::revoke_key(repo.as_ref(), &prefix)
                .await
                .map_err(|e| account_error(format!("keys revoke {prefix}"), e))?;
            if !done {
                return Err(BadInput(anyhow!(
                    "keys revoke {prefix}: no active key has this prefix (see imago keys list USER)"
                ))
                .into());
            }
            eprintln!("imago: revoked {prefix}");
        }
    }
    Ok(Outcome::Done)
}
