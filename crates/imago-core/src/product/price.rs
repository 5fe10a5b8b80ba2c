//! Prices as written in any locale of the corpus — `1.299,00 €`, `$1,299`, `¥35.5-42`,
//! `from £9.99`, `R$ 10,00`, `1 299,00 zł` — to a decimal amount with `.` for the point,
//! an ISO 4217 currency, and the text kept.

use serde::Serialize;

/// A normalized price.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Price {
    /// Decimal, `.` as the point, no grouping: `"1299.00"`.
    pub amount: String,
    /// The top of a range (`¥35.5-42`), when the text gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<String>,
    /// ISO 4217, when the text, the source or the shop's country says it.
    pub currency: Option<String>,
    /// As written.
    pub raw: String,
}

/// Symbols and local names, longest first where one contains another.
const SYMBOLS: [(&str, &str); 27] = [
    ("US$", "USD"),
    ("C$", "CAD"),
    ("CA$", "CAD"),
    ("A$", "AUD"),
    ("AU$", "AUD"),
    ("NZ$", "NZD"),
    ("HK$", "HKD"),
    ("S$", "SGD"),
    ("R$", "BRL"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("₹", "INR"),
    ("₽", "RUB"),
    ("руб", "RUB"),
    ("zł", "PLN"),
    ("₩", "KRW"),
    ("₺", "TRY"),
    ("Kč", "CZK"),
    ("₪", "ILS"),
    ("฿", "THB"),
    ("₫", "VND"),
    ("₱", "PHP"),
    ("円", "JPY"),
    ("元", "CNY"),
    ("RMB", "CNY"),
    ("Fr.", "CHF"),
    ("Rs.", "INR"),
];

/// Codes a page may write beside the amount.
const CODES: [&str; 30] = [
    "USD", "EUR", "GBP", "JPY", "CNY", "CAD", "AUD", "NZD", "CHF", "SEK", "NOK", "DKK", "PLN",
    "CZK", "HUF", "RON", "BRL", "MXN", "INR", "RUB", "TRY", "KRW", "SGD", "HKD", "ZAR", "ILS",
    "THB", "AED", "SAR", "TWD",
];

/// `raw` read as a price. `currency` is what the source gives beside it (a code or a
/// symbol); `page_url`'s country decides what `$`, `¥` and `kr` mean.
pub fn parse_price(raw: &str, currency: Option<&str>, page_url: &str) -> Option<Price> {
    let (amount, max) = amounts(raw)?;
    let currency = currency
        .and_then(|c| currency_in(c, page_url))
        .or_else(|| currency_in(raw, page_url));
    Some(Price {
        amount,
        max,
        currency,
        raw: raw.trim().to_string(),
    })
}

/// A price from structured data: a plain machine number (`1299.00`, `1.299`) is taken as
/// it is (a JSON-LD `1.299` is one and a bit, not a thousand); anything else is read as
/// text.
pub(crate) fn structured(raw: &str, currency: Option<&str>, page_url: &str) -> Option<Price> {
    let t = raw.trim();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let machine = match t.split_once('.') {
        Some((whole, fraction)) => digits(whole) && digits(fraction),
        None => digits(t),
    };
    if !machine {
        return parse_price(raw, currency, page_url);
    }
    Some(Price {
        amount: t.to_string(),
        max: None,
        currency: currency.and_then(|c| currency_in(c, page_url)),
        raw: t.to_string(),
    })
}

/// The first amount in `raw`, and the top of a range right after it.
fn amounts(raw: &str) -> Option<(String, Option<String>)> {
    let (first, rest) = number(raw)?;
    let after = rest.trim_start();
    let max = ["-", "–", "~", "～"]
        .iter()
        .find_map(|d| after.strip_prefix(d))
        .and_then(|r| {
            let r = r.trim_start();
            // The second number follows at once (a symbol may sit between: `$10 - $20`).
            let r = r.trim_start_matches(|c: char| !c.is_ascii_digit() && !c.is_whitespace());
            number(r).filter(|(_, _)| r.starts_with(|c: char| c.is_ascii_digit()))
        })
        .map(|(n, _)| n);
    Some((first, max))
}

/// The first number in `s` as a decimal, and the text after it.
fn number(s: &str) -> Option<(String, &str)> {
    let start = s.find(|c: char| c.is_ascii_digit())?;
    let body = &s[start..];
    // Digits with separators between them: `.`, `,`, `'`, and spaces used for grouping.
    let mut end = 0;
    let mut last_digit = 0;
    for (i, c) in body.char_indices() {
        if c.is_ascii_digit() {
            last_digit = i + 1;
            end = last_digit;
        } else if matches!(
            c,
            '.' | ',' | '\'' | ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}'
        ) {
            // A separator only counts when a digit follows it.
            if !body[i + c.len_utf8()..].starts_with(|d: char| d.is_ascii_digit()) {
                break;
            }
        } else {
            break;
        }
    }
    let text = &body[..end.max(last_digit)];
    let rest = &body[end..];
    Some((decimal(text)?, rest))
}

/// `1.299,00` / `1,299.00` / `1 299,00` / `1'299.00` / `35.5` / `1,299` as `1299.00`,
/// `1299.00`, `1299.00`, `1299.00`, `35.5`, `1299`.
fn decimal(text: &str) -> Option<String> {
    let seps: Vec<(usize, char)> = text
        .char_indices()
        .filter(|(_, c)| !c.is_ascii_digit())
        .collect();
    let point = match seps.last() {
        None => None,
        Some(&(i, c)) if matches!(c, '.' | ',') => {
            let decimals = text[i + 1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .count();
            let same_before = seps[..seps.len() - 1].iter().any(|&(_, d)| d == c);
            // `1,299` and `1.299.000` group thousands; `1,5`, `12.99`, `1.299,00` have a point.
            if same_before || (decimals == 3 && seps.len() == 1 && text[..i].len() <= 3) {
                None
            } else {
                Some(i)
            }
        }
        Some(_) => None,
    };
    let mut out = String::new();
    for (i, c) in text.char_indices() {
        if c.is_ascii_digit() {
            out.push(c);
        } else if Some(i) == point {
            out.push('.');
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The currency `s` names: an ISO code, a symbol, or (by the shop's country) `$`, `¥`,
/// `kr`.
fn currency_in(s: &str, page_url: &str) -> Option<String> {
    let upper = s.to_ascii_uppercase();
    for code in CODES {
        let found = upper.match_indices(code).any(|(i, _)| {
            let before = upper[..i].chars().next_back();
            let after = upper[i + 3..].chars().next();
            !before.is_some_and(|c| c.is_ascii_alphabetic())
                && !after.is_some_and(|c| c.is_ascii_alphabetic())
        });
        if found {
            return Some(code.to_string());
        }
    }
    if let Some((_, code)) = SYMBOLS.iter().find(|(sym, _)| s.contains(sym)) {
        return Some(code.to_string());
    }
    let tld = country(page_url);
    if s.contains('$') {
        let code = match tld {
            "ca" => "CAD",
            "au" => "AUD",
            "nz" => "NZD",
            "mx" => "MXN",
            "sg" => "SGD",
            "hk" => "HKD",
            "tw" => "TWD",
            _ => "USD",
        };
        return Some(code.into());
    }
    if s.contains('¥') || s.contains('￥') {
        return Some(if tld == "jp" { "JPY" } else { "CNY" }.into());
    }
    let lower = s.to_lowercase();
    if lower.contains("kr") {
        let code = match tld {
            "no" => "NOK",
            "dk" => "DKK",
            "se" => "SEK",
            _ => return None,
        };
        return Some(code.into());
    }
    None
}

/// The last label of the page's host (`co.uk` -> `uk`).
fn country(page_url: &str) -> &str {
    let host = page_url
        .split("://")
        .nth(1)
        .unwrap_or(page_url)
        .split(['/', ':', '?', '#'])
        .next()
        .unwrap_or("");
    host.rsplit('.').next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(raw: &str, url: &str) -> (String, Option<String>, Option<String>) {
        let p = parse_price(raw, None, url).unwrap();
        (p.amount, p.max, p.currency)
    }

    #[test]
    fn prices_in_the_corpus_locales() {
        let eu = "https://www.example.de/p";
        assert_eq!(
            p("1.299,00 €", eu),
            ("1299.00".into(), None, Some("EUR".into()))
        );
        assert_eq!(
            p("$1,299", "https://shop.com/x"),
            ("1299".into(), None, Some("USD".into()))
        );
        assert_eq!(
            p("¥35.5-42", "https://detail.1688.com/offer/1.html"),
            ("35.5".into(), Some("42".into()), Some("CNY".into()))
        );
        assert_eq!(
            p("from £9.99", "https://x.co.uk/"),
            ("9.99".into(), None, Some("GBP".into()))
        );
        assert_eq!(
            p("R$ 10,00", "https://x.com.br/"),
            ("10.00".into(), None, Some("BRL".into()))
        );
        assert_eq!(
            p("1 299,00 zł", "https://x.pl/"),
            ("1299.00".into(), None, Some("PLN".into()))
        );
        assert_eq!(
            p("CHF 1'299.50", "https://x.ch/"),
            ("1299.50".into(), None, Some("CHF".into()))
        );
        assert_eq!(
            p("¥ 1,980", "https://www.amazon.co.jp/dp/1"),
            ("1980".into(), None, Some("JPY".into()))
        );
        assert_eq!(
            p("$10 - $20", "https://x.ca/"),
            ("10".into(), Some("20".into()), Some("CAD".into()))
        );
        assert_eq!(
            p("299 kr", "https://x.se/"),
            ("299".into(), None, Some("SEK".into()))
        );
    }

    #[test]
    fn machine_numbers_and_codes_from_structured_data() {
        let q = structured("1.299", Some("EUR"), "https://x.de/").unwrap();
        assert_eq!(
            (q.amount.as_str(), q.currency.as_deref()),
            ("1.299", Some("EUR"))
        );
        let q = structured("1299", Some("usd"), "https://x.com/").unwrap();
        assert_eq!(
            (q.amount.as_str(), q.currency.as_deref()),
            ("1299", Some("USD"))
        );
        // Text in a structured field is read as text.
        let q = structured("1.299,00 €", None, "https://x.de/").unwrap();
        assert_eq!(
            (q.amount.as_str(), q.currency.as_deref()),
            ("1299.00", Some("EUR"))
        );
        assert!(parse_price("call us", None, "https://x.com/").is_none());
    }
}
