//! AES-128 segments: each key fetched once per URI (however many segments and
//! renditions share it), each segment decrypted with its IV (RustCrypto `aes` + `cbc`,
//! PKCS#7 padding as RFC 8216 §4.3.2.4 says).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aes::cipher::{block_padding::Pkcs7, BlockDecryptMut, KeyIvInit};
use tokio::sync::OnceCell;
use url::Url;

use crate::client::Inner;
use crate::error::FetchError;

use super::fetch::fetch_checked;

type Decryptor = cbc::Decryptor<aes::Aes128>;

/// The keys of one stream, fetched on first use.
#[derive(Default)]
pub(crate) struct Keys {
    cells: Mutex<HashMap<Url, Arc<OnceCell<[u8; 16]>>>>,
}

impl Keys {
    /// The key at `url`; the first caller fetches it, the others wait for that fetch.
    pub(crate) async fn get(
        &self,
        inner: &Inner,
        url: &Url,
        referer: Option<&Url>,
    ) -> Result<[u8; 16], FetchError> {
        let cell = {
            let mut cells = self.cells.lock().unwrap_or_else(|e| e.into_inner());
            cells.entry(url.clone()).or_default().clone()
        };
        cell.get_or_try_init(|| async {
            fetch_checked(inner, url, referer, None, 1024, |body, _| {
                <[u8; 16]>::try_from(body.as_slice()).map_err(|_| {
                    FetchError::BadRange(format!(
                        "the key is {} bytes, an AES-128 key is 16",
                        body.len()
                    ))
                })
            })
            .await
        })
        .await
        .copied()
    }
}

/// Decrypts a whole segment. A body that is not a whole number of blocks, or whose
/// padding is wrong, was cut short (or the key is wrong): damaged, so fetched again.
pub(crate) fn decrypt(
    mut data: Vec<u8>,
    key: &[u8; 16],
    iv: &[u8; 16],
) -> Result<Vec<u8>, FetchError> {
    if data.is_empty() || !data.len().is_multiple_of(16) {
        return Err(FetchError::Damaged(format!(
            "{} encrypted bytes are not a whole number of AES blocks (cut short?)",
            data.len()
        )));
    }
    let clear = Decryptor::new(key.into(), iv.into())
        .decrypt_padded_mut::<Pkcs7>(&mut data)
        .map_err(|_| {
            FetchError::Damaged(
                "the segment does not decrypt (bad padding: wrong key, or cut short)".into(),
            )
        })?
        .len();
    data.truncate(clear);
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aes::cipher::BlockEncryptMut;

    type Encryptor = cbc::Encryptor<aes::Aes128>;

    fn encrypt(clear: &[u8], key: &[u8; 16], iv: &[u8; 16]) -> Vec<u8> {
        Encryptor::new(key.into(), iv.into()).encrypt_padded_vec_mut::<Pkcs7>(clear)
    }

    #[test]
    fn round_trip_and_a_cut_body_is_damaged() {
        let key = [7u8; 16];
        let iv = imago_core::hls::sequence_iv(42);
        let clear: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
        let enc = encrypt(&clear, &key, &iv);
        assert_eq!(decrypt(enc.clone(), &key, &iv).unwrap(), clear);
        let cut = enc[..enc.len() - 7].to_vec();
        assert!(matches!(
            decrypt(cut, &key, &iv),
            Err(FetchError::Damaged(_))
        ));
        // The wrong IV garbles the first block only; the wrong key breaks the padding.
        assert_ne!(decrypt(enc.clone(), &key, &[0; 16]).unwrap(), clear);
        assert!(decrypt(enc, &[8u8; 16], &iv).is_err());
    }
}
