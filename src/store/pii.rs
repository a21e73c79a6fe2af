//! Personal information at rest (个人信息保护): resident ID numbers are stored
//! encrypted (AES-256-GCM) beside a keyed blind index (HMAC-SHA256), so that a
//! copy of the database — a stolen file, a dump, a backup — does not reveal
//! them, while an exact number can still be looked up and kept unique.
//!
//! One 32-byte master key per database; two keys are derived from it (one to
//! encrypt, one to index), so that the index key can never decrypt. The key
//! comes from `ZONEDESK_PII_KEY` (64 hex digits), else, for SQLite, from the
//! file `<database>.key` beside the database (created 0600 on first use); an
//! in-memory database gets a key that dies with it. PostgreSQL has no file to
//! sit beside: without the variable it has no key, and `verify_key` (run at
//! start-up) refuses to start, telling the operator to set it.
//!
//! The database remembers a fingerprint of its key (`pii_key_check`), so that a
//! wrong key is a clear error at start-up, not garbage or failures later.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use super::{Backend, Db};
use crate::domain::id_number::{IdNumber, mask_id_number};

/// The environment variable holding the key (64 hex digits = 32 bytes).
pub const KEY_ENV: &str = "ZONEDESK_PII_KEY";

/// What encrypted values start with: the format's version, so that a later
/// key rotation can tell old values from new ones.
const SEALED_PREFIX: &str = "v1:";
const NONCE_LEN: usize = 12;

/// What an encrypted value holds; the name is bound into the ciphertext (as
/// associated data), so that a value copied into another column does not decrypt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// 居民身份证号 (household members, observed persons, transport passengers)
    IdNumber,
}

impl Field {
    fn label(self) -> &'static [u8] {
        match self {
            Field::IdNumber => b"zonedesk/pii/id_number",
        }
    }
}

/// Why personal information could not be sealed or opened.
#[derive(Debug, thiserror::Error)]
pub enum PiiError {
    #[error(
        "未配置个人信息加密密钥：PostgreSQL 数据库须设置环境变量 {KEY_ENV}（64位十六进制，即32字节，可用 `openssl rand -hex 32` 生成），并妥善保管；SQLite 数据库的密钥保存在数据库旁的 .key 文件中"
    )]
    NoKey,
    #[error("个人信息加密密钥格式不对：{0}应为64位十六进制（32字节）")]
    BadKey(String),
    #[error("个人信息加密密钥与数据库不符：该数据库中的身份证号由另一把密钥加密。请使用原来的密钥（环境变量 {KEY_ENV} 或数据库旁的 .key 文件）")]
    WrongKey,
    /// A stored value that does not decrypt with this key (damaged, or moved
    /// from another column): never shown in detail.
    #[error("an encrypted value could not be decrypted")]
    Undecryptable,
    #[error("个人信息加密密钥文件 {path} 无法读写：{source}")]
    KeyFile { path: String, source: std::io::Error },
}

struct Keys {
    cipher: Aes256Gcm,
    index: Hmac<Sha256>,
    fingerprint: String,
}

/// The key of a database's personal information. `Debug` never shows it.
#[derive(Clone)]
pub struct PiiKey(Arc<Keys>);

impl fmt::Debug for PiiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PiiKey(***)")
    }
}

fn derive(master: &[u8; 32], purpose: &[u8]) -> [u8; 32] {
    // HMAC as a PRF keyed by the master key: one independent key per purpose
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(master).expect("HMAC takes keys of any length");
    mac.update(purpose);
    mac.finalize().into_bytes().into()
}

impl PiiKey {
    /// A key from its 32 bytes.
    pub fn from_bytes(master: &[u8; 32]) -> PiiKey {
        let cipher = Aes256Gcm::new(&derive(master, b"zonedesk/pii/encrypt/v1").into());
        let index = <Hmac<Sha256> as Mac>::new_from_slice(&derive(master, b"zonedesk/pii/index/v1")).expect("HMAC takes keys of any length");
        let fingerprint = hex::encode(&derive(master, b"zonedesk/pii/fingerprint/v1")[..16]);
        PiiKey(Arc::new(Keys { cipher, index, fingerprint }))
    }

    /// A key from 64 hex digits (surrounding white space ignored).
    ///
    /// # Errors
    /// `BadKey` for anything but 64 hex digits.
    pub fn from_hex(text: &str, source: &str) -> Result<PiiKey, PiiError> {
        let bytes = hex::decode(text.trim()).map_err(|_| PiiError::BadKey(source.to_string()))?;
        let master: [u8; 32] = bytes.try_into().map_err(|_| PiiError::BadKey(source.to_string()))?;
        Ok(PiiKey::from_bytes(&master))
    }

    /// A new random key (an in-memory database, a test).
    pub fn generate() -> PiiKey {
        PiiKey::from_bytes(&random_master())
    }

    /// The key for a database URL: `ZONEDESK_PII_KEY` when set; else, for a
    /// SQLite file, the key file beside it (created when `create` and missing);
    /// a fresh key for an in-memory SQLite database; none for PostgreSQL.
    ///
    /// # Errors
    /// A malformed variable or key file, or a key file that cannot be read or written.
    pub fn resolve(url: &str, create: bool) -> Result<Option<PiiKey>, PiiError> {
        if let Ok(text) = std::env::var(KEY_ENV)
            && !text.trim().is_empty()
        {
            return PiiKey::from_hex(&text, KEY_ENV).map(Some);
        }
        match super::backend_of(url) {
            Some(Backend::Sqlite) => match sqlite_file(url) {
                Some(path) if create => load_or_create(&key_file_of(&path)).map(Some),
                Some(path) => load(&key_file_of(&path)),
                None => Ok(Some(PiiKey::generate())),
            },
            _ => Ok(None),
        }
    }

    /// Encrypts `clear` for `field`: `v1:` and the hex of a fresh random nonce
    /// and the ciphertext with its tag.
    pub fn seal(&self, field: Field, clear: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = self
            .0
            .cipher
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: clear.as_bytes(), aad: field.label() })
            .expect("AES-GCM encrypts any message shorter than 64 GiB");
        let mut out = String::with_capacity(SEALED_PREFIX.len() + 2 * (NONCE_LEN + sealed.len()));
        out.push_str(SEALED_PREFIX);
        out.push_str(&hex::encode(nonce));
        out.push_str(&hex::encode(sealed));
        out
    }

    /// Decrypts what `seal` wrote for `field`.
    ///
    /// # Errors
    /// `Undecryptable` for a damaged value, another key's, or another field's.
    pub fn open(&self, field: Field, sealed: &str) -> Result<String, PiiError> {
        let body = sealed.strip_prefix(SEALED_PREFIX).ok_or(PiiError::Undecryptable)?;
        let bytes = hex::decode(body).map_err(|_| PiiError::Undecryptable)?;
        if bytes.len() < NONCE_LEN + 16 {
            return Err(PiiError::Undecryptable);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let clear = self.0.cipher.decrypt(Nonce::from_slice(nonce), Payload { msg: ciphertext, aad: field.label() }).map_err(|_| PiiError::Undecryptable)?;
        String::from_utf8(clear).map_err(|_| PiiError::Undecryptable)
    }

    /// The blind index of a value: equal values give equal indexes under one
    /// key, and nothing about the value can be learnt from it without the key
    /// (an unkeyed hash of an ID number would fall to trying every birth date
    /// and sequence in a few seconds).
    pub fn blind_index(&self, field: Field, clear: &str) -> String {
        let mut mac = self.0.index.clone();
        mac.update(field.label());
        mac.update(&[0]);
        mac.update(clear.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Identifies the key without revealing it (stored in `pii_key_check`).
    pub fn fingerprint(&self) -> &str {
        &self.0.fingerprint
    }
}

/// A value encrypted, with its blind index: what a row stores in its
/// `*_enc` and `*_idx` columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub enc: String,
    pub idx: String,
}

impl PiiKey {
    /// An ID number as a row stores it.
    pub fn seal_id_number(&self, id: &IdNumber) -> Sealed {
        Sealed { enc: self.seal(Field::IdNumber, id.as_str()), idx: self.id_number_index(id) }
    }

    /// The blind index of an ID number (to look it up).
    pub fn id_number_index(&self, id: &IdNumber) -> String {
        self.blind_index(Field::IdNumber, id.as_str())
    }

    /// A stored ID number in clear; None when the row has none.
    ///
    /// # Errors
    /// `Undecryptable` (a damaged value, or a database opened with another key).
    pub fn open_id_number(&self, enc: Option<&str>) -> Result<Option<String>, PiiError> {
        enc.map(|e| self.open(Field::IdNumber, e)).transpose()
    }
}

fn random_master() -> [u8; 32] {
    let mut master = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut master);
    master
}

/// The file of a `sqlite://PATH` URL; None for an in-memory database.
fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" || query.split('&').any(|kv| kv == "mode=memory") { None } else { Some(PathBuf::from(path)) }
}

/// The key file of a SQLite database: `zonedesk.db` → `zonedesk.db.key`.
pub fn key_file_of(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".key");
    PathBuf::from(name)
}

fn key_file_error(path: &Path, source: std::io::Error) -> PiiError {
    PiiError::KeyFile { path: path.display().to_string(), source }
}

fn load(path: &Path) -> Result<Option<PiiKey>, PiiError> {
    match std::fs::read_to_string(path) {
        Ok(text) => PiiKey::from_hex(&text, &path.display().to_string()).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(key_file_error(path, e)),
    }
}

/// Reads the key file, or creates it with a new random key, readable by its
/// owner only. Two processes starting at once agree: only one creates it.
fn load_or_create(path: &Path) -> Result<PiiKey, PiiError> {
    if let Some(key) = load(path)? {
        return Ok(key);
    }
    let master = random_master();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => {
            use std::io::Write;
            file.write_all(format!("{}\n", hex::encode(master)).as_bytes()).and_then(|()| file.sync_all()).map_err(|e| key_file_error(path, e))?;
            Ok(PiiKey::from_bytes(&master))
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => load(path)?.ok_or_else(|| key_file_error(path, e)),
        Err(e) => Err(key_file_error(path, e)),
    }
}

impl Db {
    /// This database with `key` for its personal information (tests; a
    /// program that holds the key elsewhere).
    pub fn with_pii_key(mut self, key: PiiKey) -> Db {
        self.pii = Some(key);
        self
    }

    /// The key of this database's personal information.
    ///
    /// # Errors
    /// `NoKey` (PostgreSQL without `ZONEDESK_PII_KEY`).
    pub fn pii(&self) -> Result<&PiiKey, PiiError> {
        self.pii.as_ref().ok_or(PiiError::NoKey)
    }

    /// A stored ID number as a reader sees it: in clear, or masked
    /// (`4109**********1234`); empty when the row has none (which needs no key).
    ///
    /// # Errors
    /// `NoKey`, `Undecryptable`.
    pub fn present_id_number(&self, enc: Option<&str>, clear: bool) -> Result<String, PiiError> {
        let Some(enc) = enc else { return Ok(String::new()) };
        let number = self.pii()?.open(Field::IdNumber, enc)?;
        Ok(if clear { number } else { mask_id_number(&number) })
    }
}

/// Checks at start-up that the database has a key and that it is the key its
/// data was encrypted with; a database seen for the first time remembers it.
///
/// # Errors
/// `NoKey`, `WrongKey`, or the database's own error (as `KeyFile`-free text).
pub async fn verify_key(db: &Db) -> Result<(), VerifyError> {
    let key = db.pii()?;
    sqlx::query("INSERT INTO pii_key_check (id, fingerprint, created_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING")
        .bind(key.fingerprint())
        .bind(super::now())
        .execute(db.pool())
        .await?;
    let stored: String = sqlx::query_scalar("SELECT fingerprint FROM pii_key_check WHERE id = 1").fetch_one(db.pool()).await?;
    if stored == key.fingerprint() { Ok(()) } else { Err(PiiError::WrongKey.into()) }
}

/// Checks that a SQLite backup's personal information will open with the key
/// of the database it is restored over (`url`): a backup remembers the
/// fingerprint of its key, the key itself is never in it.
///
/// # Errors
/// `WrongKey`, or `KeyFile` when the target has no key yet; the database's
/// own error when the backup cannot be read.
pub async fn check_backup(backup: &Db, url: &str) -> Result<(), VerifyError> {
    let has_table: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'pii_key_check'").fetch_one(backup.pool()).await?;
    if has_table == 0 {
        // written before personal information was encrypted: nothing to open
        return Ok(());
    }
    let stored: Option<String> = sqlx::query_scalar("SELECT fingerprint FROM pii_key_check WHERE id = 1").fetch_optional(backup.pool()).await?;
    let Some(stored) = stored else { return Ok(()) };
    match PiiKey::resolve(url, false)? {
        Some(key) if key.fingerprint() == stored => Ok(()),
        Some(_) => Err(PiiError::WrongKey.into()),
        None => Err(PiiError::NoKey.into()),
    }
}

/// Why `verify_key` refused.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error(transparent)]
    Pii(#[from] PiiError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// A use case that cannot read or write personal information fails as the
/// server's fault: the cause (never a value) is logged, the user reads the
/// generic message.
impl From<PiiError> for crate::error::AppError {
    fn from(err: PiiError) -> Self {
        crate::error::AppError::Internal(format!("personal information: {err}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_with_its_key_and_field_only() {
        let key = PiiKey::generate();
        let sealed = key.seal(Field::IdNumber, "11010519491231002X");
        assert!(sealed.starts_with("v1:") && !sealed.contains("11010519491231002X"));
        assert_eq!(key.open(Field::IdNumber, &sealed).unwrap(), "11010519491231002X");
        assert!(matches!(PiiKey::generate().open(Field::IdNumber, &sealed), Err(PiiError::Undecryptable)), "another key");
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'0' { b'1' } else { b'0' };
        assert!(key.open(Field::IdNumber, &String::from_utf8(tampered).unwrap()).is_err(), "a changed byte");
        assert!(key.open(Field::IdNumber, "11010519491231002X").is_err(), "clear text is no sealed value");
    }

    #[test]
    fn sealing_twice_gives_different_text_but_one_index() {
        let key = PiiKey::generate();
        assert_ne!(key.seal(Field::IdNumber, "x"), key.seal(Field::IdNumber, "x"), "a fresh nonce each time");
        assert_eq!(key.blind_index(Field::IdNumber, "x"), key.blind_index(Field::IdNumber, "x"));
        assert_ne!(key.blind_index(Field::IdNumber, "x"), key.blind_index(Field::IdNumber, "y"));
        assert_ne!(key.blind_index(Field::IdNumber, "x"), PiiKey::generate().blind_index(Field::IdNumber, "x"), "keyed");
    }

    #[test]
    fn keys_come_from_hex_and_never_show_in_debug() {
        let hex = "00".repeat(31) + "01";
        let a = PiiKey::from_hex(&hex, "test").unwrap();
        let b = PiiKey::from_hex(&format!(" {hex}\n"), "test").unwrap();
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert!(matches!(PiiKey::from_hex("abc", "test"), Err(PiiError::BadKey(_))));
        assert!(matches!(PiiKey::from_hex(&"zz".repeat(32), "test"), Err(PiiError::BadKey(_))));
        assert_eq!(format!("{a:?}"), "PiiKey(***)");
    }

    #[test]
    fn the_key_file_is_created_once_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("zone.db");
        let file = key_file_of(&db);
        assert_eq!(file, dir.path().join("zone.db.key"));
        assert!(load(&file).unwrap().is_none());
        let first = load_or_create(&file).unwrap();
        let again = load_or_create(&file).unwrap();
        assert_eq!(first.fingerprint(), again.fingerprint());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(sqlite_file("sqlite://data/z.db?mode=rwc"), Some(PathBuf::from("data/z.db")));
        assert_eq!(sqlite_file("sqlite:z.db"), Some(PathBuf::from("z.db")));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("sqlite://x?mode=memory"), None);
    }
}
