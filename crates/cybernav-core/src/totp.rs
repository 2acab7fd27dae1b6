//! Time-based one-time passwords (RFC 6238, SHA-1, 6 digits, 30-second steps): what every
//! authenticator app speaks. The replay guard is the caller's last accepted step, stored per
//! account: a code for that step or an earlier one is refused.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha1::Sha1;

/// Seconds per step.
pub const STEP_SECONDS: i64 = 30;
/// Steps either side of now that are accepted, for clock drift.
pub const DRIFT_STEPS: i64 = 1;

/// A TOTP shared secret (20 random bytes).
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(<redacted>)")
    }
}

impl TotpSecret {
    /// A fresh secret from the OS random source.
    pub fn generate() -> Self {
        let mut bytes = vec![0u8; 20];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// Wraps raw bytes.
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// Parses base32 (RFC 4648, case-insensitive, spaces and padding ignored).
    pub fn from_base32(s: &str) -> Result<Self, String> {
        base32_decode(s).map(Self)
    }

    /// The secret as base32 without padding, as authenticator apps show it.
    pub fn to_base32(&self) -> String {
        base32_encode(&self.0)
    }

    /// The `otpauth://` URI for a QR code.
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> String {
        let enc = |s: &str| -> String {
            s.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect()
        };
        format!(
            "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period=30",
            enc(issuer),
            enc(account),
            self.to_base32(),
            enc(issuer)
        )
    }

    /// The 6-digit code for a step.
    pub fn code_at_step(&self, step: i64) -> String {
        #[expect(clippy::expect_used, reason = "HMAC accepts keys of any length")]
        let mut mac = Hmac::<Sha1>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(&step.to_be_bytes());
        let digest = mac.finalize().into_bytes();
        let offset = usize::from(digest[19] & 0x0f);
        let binary = u32::from_be_bytes([
            digest[offset] & 0x7f,
            digest[offset + 1],
            digest[offset + 2],
            digest[offset + 3],
        ]);
        format!("{:06}", binary % 1_000_000)
    }

    /// Checks a typed code at `unix_time`. Returns the step it matched, which the caller
    /// stores as the new replay guard, or `None` when it does not match or was already used
    /// (its step is not after `last_used_step`).
    pub fn verify(&self, typed: &str, unix_time: i64, last_used_step: Option<i64>) -> Option<i64> {
        let code: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let now = unix_time.div_euclid(STEP_SECONDS);
        (now - DRIFT_STEPS..=now + DRIFT_STEPS)
            .filter(|step| last_used_step.is_none_or(|last| *step > last))
            .find(|step| crate::secret::constant_time_eq(&self.code_at_step(*step), &code))
    }

    /// The raw bytes, for storage.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn base32_encode(data: &[u8]) -> String {
    let mut out = String::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for byte in data {
        buffer = (buffer << 8) | u32::from(*byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

fn base32_decode(s: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for c in s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '=' && *c != '-')
    {
        let upper = c.to_ascii_uppercase() as u8;
        let Some(value) = ALPHABET.iter().position(|a| *a == upper) else {
            return Err(format!("'{c}' is not a base32 character"));
        };
        buffer = (buffer << 5) | value as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    if out.is_empty() {
        return Err("the secret is empty".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc_secret() -> TotpSecret {
        TotpSecret::from_bytes(b"12345678901234567890".to_vec())
    }

    #[test]
    fn rfc6238_vectors_sha1() {
        // RFC 6238 Appendix B gives 8-digit codes; the 6-digit code is the last six digits.
        let s = rfc_secret();
        for (t, code8) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
        ] {
            assert_eq!(s.code_at_step(t / 30), code8[2..], "t={t}");
        }
    }

    #[test]
    fn base32_round_trip() {
        let s = rfc_secret();
        assert_eq!(s.to_base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(
            TotpSecret::from_base32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq").unwrap(),
            s
        );
        assert!(TotpSecret::from_base32("1!").is_err());
    }

    #[test]
    fn replay_guard_and_window() {
        let s = TotpSecret::generate();
        let now = 1_800_000_000;
        let step = now / 30;
        let code = s.code_at_step(step);
        assert_eq!(s.verify(&code, now, None), Some(step));
        assert_eq!(
            s.verify(&code, now, Some(step)),
            None,
            "same code twice is refused"
        );
        let prev = s.code_at_step(step - 1);
        assert_eq!(
            s.verify(&prev, now, None),
            Some(step - 1),
            "one step of drift is allowed"
        );
        let old = s.code_at_step(step - 3);
        assert_eq!(s.verify(&old, now, None), None);
        assert_eq!(s.verify("12345", now, None), None);
    }

    #[test]
    fn uri_names_issuer_and_account() {
        let uri = rfc_secret().otpauth_uri("cybernav", "pm@sbe.example.gov");
        assert!(uri.starts_with("otpauth://totp/cybernav:pm%40sbe.example.gov?secret=GEZD"));
    }
}
