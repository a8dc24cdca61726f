//! Who is calling: signed JWTs with a pinned algorithm, required `iss`/`aud`/`exp`/`nbf`, and
//! four roles. Reads need no token; writes check the caller here.

use std::{path::Path, time::Duration};

use anyhow::Context;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, errors::ErrorKind};
use serde::{Deserialize, Serialize};

use crate::{
    config::Config,
    error::{AppError, AppResult},
};

/// What a token allows.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything, including bulk import and the audit trail.
    Admin,
    /// Recruiters, organisations, commitments and training.
    Editor,
    /// Certifications and mark rights of the certification body named in the token.
    Certifier,
    /// A brand or partner system: registers webhooks and sees only its own (`sub` names it).
    Partner,
    /// A civil-society intake partner or resource centre: records complaints on workers'
    /// behalf, and sees and moves only those it recorded (`sub` names it).
    Intake,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Certifier => "certifier",
            Role::Partner => "partner",
            Role::Intake => "intake",
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: Role,
    /// The certification body a certifier acts for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    pub iss: String,
    pub aud: String,
    pub exp: u64,
    pub nbf: u64,
    pub iat: u64,
}

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub subject: String,
    pub role: Role,
    pub body: Option<String>,
}

/// The caller of one request.
#[derive(Debug, Clone)]
pub enum Caller {
    Anonymous,
    Authenticated(Identity),
    /// A token was sent but is not acceptable; the reason is shown to the caller.
    Rejected(String),
}

impl Caller {
    /// The identity of a caller allowed to write with one of `roles`.
    pub fn require(&self, roles: &[Role]) -> AppResult<&Identity> {
        let identity = match self {
            Caller::Anonymous => {
                return Err(AppError::Unauthenticated(
                    "writes need an `Authorization: Bearer <token>` header".to_owned(),
                ));
            }
            Caller::Rejected(reason) => return Err(AppError::Unauthenticated(reason.clone())),
            Caller::Authenticated(identity) => identity,
        };
        if identity.role == Role::Admin || roles.contains(&identity.role) {
            return Ok(identity);
        }
        let allowed: Vec<&str> = roles.iter().map(|role| role.as_str()).collect();
        Err(AppError::Forbidden(format!(
            "role {} may not do this; it needs one of: admin, {}",
            identity.role.as_str(),
            allowed.join(", ")
        )))
    }
}

/// Checks tokens; built once at start.
#[derive(Clone)]
pub struct Verifier {
    key: DecodingKey,
    validation: Validation,
}

fn algorithm(config: &Config) -> anyhow::Result<Algorithm> {
    match config.jwt_algorithm.to_ascii_uppercase().as_str() {
        "HS256" => Ok(Algorithm::HS256),
        "RS256" => Ok(Algorithm::RS256),
        "ES256" => Ok(Algorithm::ES256),
        other => {
            anyhow::bail!("JWT_ALGORITHM `{other}` is not supported: use HS256, RS256 or ES256")
        }
    }
}

/// The generated HS256 secret in `DATA_DIR`, when `JWT_SECRET` is not set.
pub const SECRET_FILE: &str = "jwt-secret";

/// The HS256 secret: `JWT_SECRET`, or one generated once under `DATA_DIR`.
fn secret(config: &Config) -> anyhow::Result<Vec<u8>> {
    if let Some(secret) = config.jwt_secret.as_ref().filter(|secret| !secret.is_empty()) {
        anyhow::ensure!(secret.len() >= 32, "JWT_SECRET must be at least 32 characters long");
        return Ok(secret.as_bytes().to_vec());
    }
    let path = config.data_dir.join(SECRET_FILE);
    if let Some(existing) = read_secret_file(&path)? {
        return Ok(existing);
    }
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("cannot create {}", config.data_dir.display()))?;
    let mut bytes = [0_u8; 32];
    getrandom::fill(&mut bytes).map_err(|error| anyhow::anyhow!("no randomness for a JWT secret: {error}"))?;
    let generated = hex::encode(bytes);
    write_private(&path, &generated)?;
    tracing::info!(path = %path.display(), "generated a JWT signing secret");
    Ok(generated.into_bytes())
}

/// The shortest secret accepted, from the environment or from a file.
pub const MIN_SECRET_CHARS: usize = 32;

/// A secret kept in a file under `DATA_DIR`, if the file exists. A file that is empty or shorter
/// than [`MIN_SECRET_CHARS`] is refused at start, naming the file: an empty key would sign
/// tokens anyone can forge.
pub(crate) fn read_secret_file(path: &Path) -> anyhow::Result<Option<Vec<u8>>> {
    let existing = match std::fs::read_to_string(path) {
        Ok(existing) => existing,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error).with_context(|| format!("cannot read {}", path.display())),
    };
    let secret = existing.trim();
    anyhow::ensure!(
        secret.chars().count() >= MIN_SECRET_CHARS,
        "{} holds a secret of {} characters; at least {MIN_SECRET_CHARS} are needed: write a longer one, or delete \
         the file to have one generated",
        path.display(),
        secret.chars().count()
    );
    Ok(Some(secret.as_bytes().to_vec()))
}

/// Writes a new file readable by its owner only (secrets and keys in `DATA_DIR`).
pub(crate) fn write_private(path: &Path, contents: impl AsRef<[u8]>) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(contents.as_ref())?;
    file.sync_all()?;
    Ok(())
}

impl Verifier {
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let algorithm = algorithm(config)?;
        let key = match algorithm {
            Algorithm::HS256 => DecodingKey::from_secret(&secret(config)?),
            _ => {
                let path = config
                    .jwt_public_key
                    .as_ref()
                    .context("JWT_PUBLIC_KEY is required for RS256 and ES256")?;
                let pem = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
                if algorithm == Algorithm::RS256 {
                    DecodingKey::from_rsa_pem(&pem)?
                } else {
                    DecodingKey::from_ec_pem(&pem)?
                }
            }
        };
        let mut validation = Validation::new(algorithm);
        validation.set_issuer(&[&config.jwt_issuer]);
        validation.set_audience(&[&config.jwt_audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = 30;
        Ok(Self { key, validation })
    }

    /// The caller named by an `Authorization` header value, if any.
    pub fn caller(&self, authorization: Option<&str>) -> Caller {
        let Some(value) = authorization else {
            return Caller::Anonymous;
        };
        let Some(token) = value.strip_prefix("Bearer ").map(str::trim) else {
            return Caller::Rejected("the Authorization header must be `Bearer <token>`".to_owned());
        };
        match self.verify(token) {
            Ok(identity) => Caller::Authenticated(identity),
            Err(reason) => Caller::Rejected(reason),
        }
    }

    pub fn verify(&self, token: &str) -> Result<Identity, String> {
        let claims =
            jsonwebtoken::decode::<Claims>(token, &self.key, &self.validation).map_err(|error| match error.kind() {
                ErrorKind::ExpiredSignature => "the token has expired: ask for a new one".to_owned(),
                ErrorKind::ImmatureSignature => "the token is not valid yet (nbf is in the future)".to_owned(),
                ErrorKind::InvalidAudience => "the token is meant for another audience".to_owned(),
                ErrorKind::InvalidIssuer => "the token comes from an unknown issuer".to_owned(),
                ErrorKind::InvalidSignature => "the token's signature is invalid".to_owned(),
                ErrorKind::InvalidAlgorithm => "the token's algorithm is not accepted".to_owned(),
                ErrorKind::MissingRequiredClaim(claim) => {
                    format!("the token lacks the `{claim}` claim")
                }
                _ => "the token is malformed".to_owned(),
            })?;
        let claims = claims.claims;
        if claims.role == Role::Certifier && claims.body.as_deref().is_none_or(str::is_empty) {
            return Err("a certifier token must name its certification body in the `body` claim".to_owned());
        }
        Ok(Identity {
            subject: claims.sub,
            role: claims.role,
            body: claims.body,
        })
    }
}

/// Mints a token for an operator who holds the signing secret (HS256) or private key.
pub fn mint(
    config: &Config,
    private_key: Option<&Path>,
    subject: &str,
    role: Role,
    body: Option<&str>,
    ttl: Duration,
) -> anyhow::Result<String> {
    let algorithm = algorithm(config)?;
    let key = match algorithm {
        Algorithm::HS256 => EncodingKey::from_secret(&secret(config)?),
        _ => {
            let path = private_key.context("--private-key is required for RS256 and ES256")?;
            let pem = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            if algorithm == Algorithm::RS256 {
                EncodingKey::from_rsa_pem(&pem)?
            } else {
                EncodingKey::from_ec_pem(&pem)?
            }
        }
    };
    anyhow::ensure!(
        role != Role::Certifier || body.is_some(),
        "a certifier token needs --body (its certification body)"
    );
    let now = jsonwebtoken::get_current_timestamp();
    let claims = Claims {
        sub: subject.to_owned(),
        role,
        body: body.map(str::to_owned),
        iss: config.jwt_issuer.clone(),
        aud: config.jwt_audience.clone(),
        exp: now + ttl.as_secs(),
        nbf: now,
        iat: now,
    };
    Ok(jsonwebtoken::encode(&Header::new(algorithm), &claims, &key)?)
}
