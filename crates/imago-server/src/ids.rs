//! Random public ids and secrets from the OS random number generator.

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Fills `buf` from the OS RNG. Failure means the OS cannot give randomness, and no key
/// or id may be made without it.
pub fn random_bytes(buf: &mut [u8]) -> Result<(), getrandom::Error> {
    getrandom::getrandom(buf)
}

/// `len` base62 characters, each uniform (rejection sampling above 247 = 4 * 62 - 1).
pub fn base62(len: usize) -> Result<String, getrandom::Error> {
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 32];
    while out.len() < len {
        random_bytes(&mut buf)?;
        for &b in &buf {
            if b < 248 && out.len() < len {
                out.push(char::from(BASE62[usize::from(b % 62)]));
            }
        }
    }
    Ok(out)
}

/// Whether `s` could be one of our public ids (image or album): 1 to 32 ASCII letters or
/// digits. Anything else (dots, slashes, NUL, percent signs) is refused before any lookup.
pub fn is_public_id(s: &str) -> bool {
    (1..=32).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_the_asked_length_and_alphabet() {
        let a = base62(10).unwrap();
        let b = base62(10).unwrap();
        assert_eq!(a.len(), 10);
        assert!(is_public_id(&a));
        assert_ne!(a, b);
        for bad in ["", "../x", "a\0b", "a.b", "a%2e", &"x".repeat(33)] {
            assert!(!is_public_id(bad), "{bad:?}");
        }
    }
}
