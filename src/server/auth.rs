//! Who may ask (§5.4): on a loopback address anyone; with a token, only
//! requests that carry it; a public address only with a token or when
//! `--public` says it is meant.

use std::net::SocketAddr;

/// The bearer token every request but the health check must carry.
///
/// A browser cannot send a header on page load nor on an `EventSource`,
/// so the preview page gets the token once in its address
/// (`/?token=…`), answered with a cookie ([`COOKIE`]: `HttpOnly`, so the
/// page's script cannot read it; `SameSite=Strict`, so no other site's
/// page can send it) that is then taken like the header. The cookie holds
/// the token in hex: a token may hold bytes a cookie value may not.
#[derive(Clone)]
pub struct Token(Vec<u8>);

/// The cookie's name.
pub const COOKIE: &str = "cannery_token";

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(…)")
    }
}

impl Token {
    /// A token from a token file's text or `$CANNERY_TOKEN`, surrounding
    /// whitespace trimmed. An empty one is refused: it would let anyone in.
    pub fn new(text: &str) -> Result<Token, &'static str> {
        let token = text.trim();
        if token.is_empty() {
            return Err("the token is empty");
        }
        if token.chars().any(|c| c.is_control() || c == ' ') {
            return Err("the token must be one word, without spaces or control characters");
        }
        Ok(Token(token.as_bytes().to_vec()))
    }

    /// Whether a request carries this token, in its `Authorization`
    /// header or its cookie.
    pub fn admits(&self, authorization: Option<&[u8]>, cookie: Option<&[u8]>) -> bool {
        // Both are compared, whichever is there: the time taken does not
        // tell which one was right.
        let header = self.allows(authorization);
        let cookie = cookie.is_some_and(|c| self.in_cookie(c));
        header | cookie
    }

    /// Whether `given` (a query's `token`) is this token.
    pub fn is(&self, given: &[u8]) -> bool {
        constant_time_eq(given, &self.0)
    }

    /// The `Set-Cookie` value that lets a browser in from now on.
    pub fn cookie(&self) -> String {
        format!(
            "{COOKIE}={}; Path=/; HttpOnly; SameSite=Strict",
            hex(&self.0)
        )
    }

    /// Whether a `Cookie` header holds [`COOKIE`] with this token.
    fn in_cookie(&self, header: &[u8]) -> bool {
        let wanted = hex(&self.0);
        let mut found = false;
        for pair in header.split(|&b| b == b';') {
            let pair = pair.trim_ascii();
            if let Some(value) = pair
                .strip_prefix(COOKIE.as_bytes())
                .and_then(|rest| rest.strip_prefix(b"="))
            {
                found |= constant_time_eq(value, wanted.as_bytes());
            }
        }
        found
    }

    /// Whether an `Authorization` header carries this token. The
    /// comparison takes the same time wherever the first difference is.
    pub fn allows(&self, authorization: Option<&[u8]>) -> bool {
        let Some(header) = authorization else {
            return false;
        };
        let Some(given) = header
            .get(..7)
            .filter(|scheme| scheme.eq_ignore_ascii_case(b"bearer "))
            .map(|_| header[7..].trim_ascii())
        else {
            return false;
        };
        constant_time_eq(given, &self.0)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    // Lengths are not secret; the bytes are. Every byte of `b` is read
    // whatever `a` holds.
    let mut diff = (a.len() != b.len()) as u8;
    for (i, y) in b.iter().enumerate() {
        let x = a.get(i).copied().unwrap_or(!*y);
        diff |= x ^ y;
    }
    std::hint::black_box(diff) == 0
}

/// Refuses to serve a non-loopback address without a token unless the
/// user said `--public`.
pub fn check_exposure(addr: SocketAddr, token: Option<&Token>, public: bool) -> Result<(), String> {
    if addr.ip().is_loopback() || token.is_some() || public {
        return Ok(());
    }
    Err(format!(
        "{addr} can be reached from other machines, and no token protects it: \
         give one with --token-file FILE or $CANNERY_TOKEN, or pass --public if anyone may read the library"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_bearer_token_is_allowed() {
        let token = Token::new("  s3cret\n").unwrap();
        assert!(token.allows(Some(b"Bearer s3cret")));
        assert!(token.allows(Some(b"bearer s3cret ")));
        assert!(!token.allows(Some(b"Bearer s3cre")));
        assert!(!token.allows(Some(b"Bearer s3crett")));
        assert!(!token.allows(Some(b"Basic s3cret")));
        assert!(!token.allows(Some(b"Bearer")));
        assert!(!token.allows(None));
        assert!(Token::new(" \n").is_err());
        assert!(Token::new("a b").is_err());
    }

    #[test]
    fn the_cookie_lets_in_like_the_header() {
        let token = Token::new("s;3\"cret").unwrap();
        let set = token.cookie();
        assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict"));
        let value = set.split(';').next().unwrap();
        assert_eq!(value, "cannery_token=733b332263726574");
        let sent = format!("theme=dark; {value}; other=1");
        assert!(token.admits(None, Some(sent.as_bytes())));
        assert!(token.admits(Some(b"Bearer s;3\"cret"), None));
        assert!(!token.admits(None, Some(b"cannery_token=733b33226372657")));
        assert!(!token.admits(None, Some(b"xcannery_token=733b332263726574")));
        assert!(!token.admits(None, None));
        assert!(token.is(b"s;3\"cret") && !token.is(b"s;3"));
    }

    #[test]
    fn public_addresses_need_a_token_or_public() {
        let public: SocketAddr = "0.0.0.0:4000".parse().unwrap();
        let local: SocketAddr = "127.0.0.1:4000".parse().unwrap();
        let v6: SocketAddr = "[::1]:4000".parse().unwrap();
        assert!(check_exposure(local, None, false).is_ok());
        assert!(check_exposure(v6, None, false).is_ok());
        assert!(check_exposure(public, None, false)
            .unwrap_err()
            .contains("--public"));
        assert!(check_exposure(public, None, true).is_ok());
        assert!(check_exposure(public, Some(&Token::new("t").unwrap()), false).is_ok());
    }
}
