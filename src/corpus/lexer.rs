//! Splitting one corpus line into tokens the way Go's `go/scanner` does, for the small part of
//! Go's syntax a corpus line can use, and refusing everything the scanner would report as an
//! error.
//!
//! Facts about Go's scanner this follows, in our words:
//! - the whole line must be valid UTF-8 without NUL characters; a byte order mark (U+FEFF) is
//!   skipped at the very start and is an error anywhere else (also inside literals and
//!   comments);
//! - space, tab and carriage return separate tokens; `//` comments run to the end of the line;
//!   `/* */` comments must be closed, and one whose text starts with `line ` is a line
//!   directive whose `:line[:col]` suffix, when present, must hold valid numbers;
//! - number literals are read greedily (digits, underscores, a point, an exponent, an `i`
//!   suffix) and then checked: digits valid for the base, a `p` exponent exactly for hex
//!   mantissas, `_` only between digits (a base prefix counts as a digit);
//! - a rune literal holds exactly one character or escape; strings cannot hold a raw `"`;
//!   raw (backquoted) strings lose their carriage returns.
//!
//! Any character that is not part of a token, literal or comment this codec can use (for
//! example `*`, `;`, `{`, or a non-ASCII letter outside a literal) can never be part of a
//! valid corpus line, so the lexer refuses it at once.

use super::unquote::{read_escape, Piece};

/// The byte order mark Go skips at the start of its input.
const BOM: char = '\u{feff}';

/// One token of a corpus line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token<'a> {
    /// An identifier (ASCII letters, digits, `_`).
    Ident(&'a str),
    /// An integer literal, as written.
    Int(&'a str),
    /// A floating-point literal, as written.
    Float(&'a str),
    /// An imaginary literal (valid Go, never valid in a corpus line).
    Imag,
    /// A rune literal's value (a code point, or a byte value for `\x`/octal escapes).
    Char(u32),
    /// A string literal's contents (interpreted or raw).
    Str(Vec<u8>),
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBrack,
    /// `]`
    RBrack,
    /// `,`
    Comma,
    /// `.`
    Period,
    /// `...`
    Ellipsis,
    /// The unary operator `-`.
    Minus,
    /// Another unary operator: `+ ! ^ & ~ <-`.
    OtherUnary,
}

/// Tokens of a line, produced one at a time.
pub(crate) struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

type LexResult<T> = Result<T, &'static str>;

impl<'a> Lexer<'a> {
    /// Checks the whole line for what Go's scanner refuses wherever it occurs, and prepares
    /// to tokenize it.
    pub(crate) fn new(line: &'a [u8]) -> LexResult<Lexer<'a>> {
        let src = std::str::from_utf8(line).map_err(|_| "invalid UTF-8")?;
        if src.contains('\0') {
            return Err("NUL character");
        }
        let pos = if src.starts_with(BOM) {
            BOM.len_utf8()
        } else {
            0
        };
        if src.get(pos..).unwrap_or_default().contains(BOM) {
            return Err("byte order mark after the start of the line");
        }
        Ok(Lexer { src, pos })
    }

    fn byte_at(&self, i: usize) -> Option<u8> {
        self.src.as_bytes().get(i).copied()
    }

    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or_default()
    }

    /// The next token, or `None` at the end of the line.
    pub(crate) fn next_token(&mut self) -> LexResult<Option<Token<'a>>> {
        loop {
            while matches!(self.byte_at(self.pos), Some(b' ' | b'\t' | b'\r' | b'\n')) {
                self.pos += 1;
            }
            let Some(b) = self.byte_at(self.pos) else {
                return Ok(None);
            };
            let next = self.byte_at(self.pos + 1);
            let token = match b {
                b'/' if next == Some(b'/') => {
                    self.pos = self.src.len();
                    continue;
                }
                b'/' if next == Some(b'*') => {
                    self.skip_block_comment()?;
                    continue;
                }
                b'a'..=b'z' | b'A'..=b'Z' | b'_' => self.ident(),
                b'0'..=b'9' => self.number()?,
                b'.' if matches!(next, Some(b'0'..=b'9')) => self.number()?,
                b'.' if next == Some(b'.') && self.byte_at(self.pos + 2) == Some(b'.') => {
                    self.pos += 3;
                    Token::Ellipsis
                }
                b'"' => self.string()?,
                b'`' => self.raw_string()?,
                b'\'' => self.rune()?,
                _ => {
                    let (token, len) = punctuation(b, next)?;
                    self.pos += len;
                    token
                }
            };
            return Ok(Some(token));
        }
    }

    fn skip_block_comment(&mut self) -> LexResult<()> {
        let body_start = self.pos + 2;
        let body = self.src.get(body_start..).unwrap_or_default();
        let len = body.find("*/").ok_or("comment not terminated")?;
        let text = body.get(..len).unwrap_or_default();
        if let Some(directive) = text.strip_prefix("line ") {
            check_line_directive(directive)?;
        }
        self.pos = body_start + len + 2;
        Ok(())
    }

    fn ident(&mut self) -> Token<'a> {
        let start = self.pos;
        while matches!(self.byte_at(self.pos), Some(b) if b.is_ascii_alphanumeric() || b == b'_') {
            self.pos += 1;
        }
        Token::Ident(self.src.get(start..self.pos).unwrap_or_default())
    }

    /// Consumes digits (and `_`) of `base`; returns (saw a digit, saw `_`, saw a digit too
    /// large for the base).
    fn digits(&mut self, base: u32) -> (bool, bool, bool) {
        let (mut digit, mut underscore, mut invalid) = (false, false, false);
        loop {
            match self.byte_at(self.pos) {
                Some(b'_') => underscore = true,
                Some(b @ b'0'..=b'9') if base <= 10 => {
                    digit = true;
                    invalid |= u32::from(b - b'0') >= base;
                }
                Some(b) if base == 16 && b.is_ascii_hexdigit() => digit = true,
                _ => return (digit, underscore, invalid),
            }
            self.pos += 1;
        }
    }

    fn number(&mut self) -> LexResult<Token<'a>> {
        let start = self.pos;
        let mut base = 10;
        // The base prefix: 0 none, b'0' legacy octal, or b'x' / b'o' / b'b'.
        let mut prefix = 0u8;
        let mut has_digits = false;
        let mut has_underscore = false;
        let mut invalid_digit = false;
        let mut is_float = false;
        if self.byte_at(self.pos) != Some(b'.') {
            if self.byte_at(self.pos) == Some(b'0') {
                self.pos += 1;
                match self.byte_at(self.pos).map(|b| b.to_ascii_lowercase()) {
                    Some(p @ (b'x' | b'o' | b'b')) => {
                        self.pos += 1;
                        prefix = p;
                        base = match p {
                            b'x' => 16,
                            b'o' => 8,
                            _ => 2,
                        };
                    }
                    _ => {
                        prefix = b'0';
                        base = 8;
                        has_digits = true;
                    }
                }
            }
            let (d, u, inv) = self.digits(base);
            has_digits |= d;
            has_underscore |= u;
            invalid_digit |= inv;
        }
        if self.byte_at(self.pos) == Some(b'.') {
            is_float = true;
            if prefix == b'o' || prefix == b'b' {
                return Err("invalid radix point in number literal");
            }
            self.pos += 1;
            let (d, u, inv) = self.digits(base);
            has_digits |= d;
            has_underscore |= u;
            invalid_digit |= inv;
        }
        if !has_digits {
            return Err("number literal has no digits");
        }
        match self.byte_at(self.pos).map(|b| b.to_ascii_lowercase()) {
            Some(e @ (b'e' | b'p')) => {
                if e == b'e' && prefix != 0 && prefix != b'0' {
                    return Err("'e' exponent requires decimal mantissa");
                }
                if e == b'p' && prefix != b'x' {
                    return Err("'p' exponent requires hexadecimal mantissa");
                }
                self.pos += 1;
                is_float = true;
                if matches!(self.byte_at(self.pos), Some(b'+' | b'-')) {
                    self.pos += 1;
                }
                let (d, u, _) = self.digits(10);
                has_underscore |= u;
                if !d {
                    return Err("exponent has no digits");
                }
            }
            _ if prefix == b'x' && is_float => {
                return Err("hexadecimal mantissa requires a 'p' exponent");
            }
            _ => {}
        }
        let imaginary = self.byte_at(self.pos) == Some(b'i');
        if imaginary {
            self.pos += 1;
        }
        let text = self.src.get(start..self.pos).unwrap_or_default();
        if !is_float && !imaginary && invalid_digit {
            return Err("invalid digit in number literal");
        }
        if has_underscore && !underscores_separate_digits(text) {
            return Err("'_' must separate successive digits");
        }
        Ok(if imaginary {
            Token::Imag
        } else if is_float {
            Token::Float(text)
        } else {
            Token::Int(text)
        })
    }

    fn string(&mut self) -> LexResult<Token<'a>> {
        self.pos += 1; // opening quote
        let mut out = Vec::new();
        loop {
            let rest = self.rest();
            let c = rest.chars().next().ok_or("string literal not terminated")?;
            self.pos += c.len_utf8();
            match c {
                '"' => return Ok(Token::Str(out)),
                '\\' => {
                    let (piece, len) = read_escape(self.rest(), '"')?;
                    piece.push_to(&mut out);
                    self.pos += len;
                }
                '\n' => return Err("string literal not terminated"),
                _ => Piece::Char(c).push_to(&mut out),
            }
        }
    }

    fn raw_string(&mut self) -> LexResult<Token<'a>> {
        let body = self.src.get(self.pos + 1..).unwrap_or_default();
        let len = body.find('`').ok_or("raw string literal not terminated")?;
        let text = body.get(..len).unwrap_or_default();
        self.pos += len + 2;
        Ok(Token::Str(text.bytes().filter(|&b| b != b'\r').collect()))
    }

    fn rune(&mut self) -> LexResult<Token<'a>> {
        self.pos += 1; // opening quote
        let c = self
            .rest()
            .chars()
            .next()
            .ok_or("rune literal not terminated")?;
        self.pos += c.len_utf8();
        let piece = match c {
            '\'' => return Err("empty rune literal"),
            '\n' => return Err("rune literal not terminated"),
            '\\' => {
                let (piece, len) = read_escape(self.rest(), '\'')?;
                self.pos += len;
                piece
            }
            _ => Piece::Char(c),
        };
        if self.byte_at(self.pos) != Some(b'\'') {
            return Err("rune literal must hold exactly one character");
        }
        self.pos += 1;
        Ok(Token::Char(piece.code()))
    }
}

/// Operators and punctuation: the ones a corpus line can use, and an error for all others
/// (including the longer operators that begin like a usable one, such as `--` or `&^`).
fn punctuation(b: u8, next: Option<u8>) -> LexResult<(Token<'static>, usize)> {
    let refused = Err("unexpected character or operator");
    match (b, next) {
        (b'(', _) => Ok((Token::LParen, 1)),
        (b')', _) => Ok((Token::RParen, 1)),
        (b'[', _) => Ok((Token::LBrack, 1)),
        (b']', _) => Ok((Token::RBrack, 1)),
        (b',', _) => Ok((Token::Comma, 1)),
        (b'.', _) => Ok((Token::Period, 1)),
        (b'-', Some(b'-' | b'=')) => refused,
        (b'-', _) => Ok((Token::Minus, 1)),
        (b'+', Some(b'+' | b'=')) => refused,
        (b'!' | b'^', Some(b'=')) => refused,
        (b'&', Some(b'&' | b'^' | b'=')) => refused,
        (b'+' | b'!' | b'^' | b'&' | b'~', _) => Ok((Token::OtherUnary, 1)),
        (b'<', Some(b'-')) => Ok((Token::OtherUnary, 2)),
        _ => refused,
    }
}

/// Go's rule for `_` in number literals: every `_` sits between two digits, where a base
/// prefix (`0x`, `0o`, `0b`) counts as a digit. Other characters (point, exponent letter,
/// sign) are not digits.
fn underscores_separate_digits(text: &str) -> bool {
    let bytes = text.as_bytes();
    let hex = matches!(bytes, [b'0', b'x' | b'X', ..]);
    let prefixed = matches!(bytes, [b'0', b'x' | b'X' | b'o' | b'O' | b'b' | b'B', ..]);
    #[derive(PartialEq, Clone, Copy)]
    enum Prev {
        Digit,
        Underscore,
        Other,
    }
    let (mut prev, body) = if prefixed {
        (Prev::Digit, bytes.get(2..).unwrap_or_default())
    } else {
        (Prev::Other, bytes)
    };
    for &b in body {
        let this = if b == b'_' {
            Prev::Underscore
        } else if b.is_ascii_digit() || (hex && b.is_ascii_hexdigit()) {
            Prev::Digit
        } else {
            Prev::Other
        };
        match this {
            Prev::Underscore if prev != Prev::Digit => return false,
            Prev::Other if prev == Prev::Underscore => return false,
            _ => {}
        }
        prev = this;
    }
    prev != Prev::Underscore
}

/// Go's check of a `/*line …*/` directive (the text after `line `): when the text has a
/// `:suffix`, the suffix must be a decimal line number, optionally preceded by another
/// `:number` that makes the pair `line:column`. Line and column must be 1..=2^30.
/// Numbers are read as 64-bit unsigned and then used as Go's 64-bit `int`, so values of
/// 2^63 and more wrap to negative numbers and pass the upper-bound check. This is what 64-bit
/// Go does; 32-bit Go (GOARCH=386, observed) refuses numbers above 2^32-1 instead.
fn check_line_directive(text: &str) -> LexResult<()> {
    const MAX: i64 = 1 << 30;
    /// The position after the last `:` and the number after it, if it parses.
    fn trailing_number(text: &str) -> Option<(usize, Option<i64>)> {
        let colon = text.rfind(':')?;
        let digits = text.get(colon + 1..).unwrap_or_default();
        let n = if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            // Wrapping like Go's int(uint64) conversion.
            digits.parse::<u64>().ok().map(|v| v as i64)
        } else {
            None
        };
        Some((colon, n))
    }
    let Some((colon, last)) = trailing_number(text) else {
        return Ok(()); // no ':' at all: not a line directive
    };
    let last = last.ok_or("invalid line number in line directive")?;
    let head = text.get(..colon).unwrap_or_default();
    let line = match trailing_number(head) {
        Some((_, Some(line))) => {
            let col = last;
            if col == 0 || col > MAX {
                return Err("invalid column number in line directive");
            }
            line
        }
        _ => last,
    };
    if line == 0 || line > MAX {
        return Err("invalid line number in line directive");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(line: &str) -> Result<Vec<Token<'_>>, &'static str> {
        let mut lx = Lexer::new(line.as_bytes())?;
        let mut out = Vec::new();
        while let Some(t) = lx.next_token()? {
            out.push(t);
        }
        Ok(out)
    }

    #[test]
    fn numbers() {
        for ok in [
            "0", "007", "0_7", "1_000", "0x_1F", "0b1010", "0o17", "0O17", "08.5", "1e5", ".5",
            "5.", "0x1p-2", "0x.8p0", "0x1.p0", "1e1_0", "0x1p1_0", "09e1",
        ] {
            assert_eq!(tokens(ok).map(|t| t.len()), Ok(1), "{ok}");
        }
        for bad in [
            "08", "0o8", "0b2", "0x", "0x1.8", "0b1.0", "0o1e5", "1p5", "1__0", "1_", "0_x1",
            "1_.5", "1._5", "1e", "1e+", "0x1p", "1_e5",
        ] {
            assert!(tokens(bad).is_err(), "{bad}");
        }
        assert_eq!(tokens("5i"), Ok(vec![Token::Imag]));
        assert_eq!(tokens("08i"), Ok(vec![Token::Imag]));
        assert_eq!(tokens("0x10"), Ok(vec![Token::Int("0x10")]));
        assert_eq!(tokens("017"), Ok(vec![Token::Int("017")]));
        assert_eq!(tokens("1.5"), Ok(vec![Token::Float("1.5")]));
        // "5..." is the float "5." followed by "..", which is two periods.
        assert_eq!(
            tokens("5..."),
            Ok(vec![Token::Float("5."), Token::Period, Token::Period])
        );
        assert_eq!(tokens("5 ..."), Ok(vec![Token::Int("5"), Token::Ellipsis]));
    }

    #[test]
    fn literals() {
        assert_eq!(
            tokens(r#""a\x00\u00e9""#),
            Ok(vec![Token::Str(b"a\0\xc3\xa9".to_vec())])
        );
        assert_eq!(tokens("`a\\n\rb`"), Ok(vec![Token::Str(b"a\\nb".to_vec())]));
        assert_eq!(tokens(r"'\xff'"), Ok(vec![Token::Char(0xff)]));
        assert_eq!(tokens("'é'"), Ok(vec![Token::Char(0xe9)]));
        assert_eq!(tokens("'\"'"), Ok(vec![Token::Char(0x22)]));
        for bad in [
            r#""abc"#, "`abc", "''", "'ab'", r"'\'", r#"'\"'"#, r#""\'""#, "'a", r#""\q""#,
        ] {
            assert!(tokens(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn whole_line_checks() {
        assert!(tokens("\u{feff}x").is_ok());
        assert!(tokens("x\u{feff}").is_err());
        assert!(tokens("\"\u{feff}\"").is_err());
        assert!(tokens("x\0").is_err());
        assert!(Lexer::new(b"\"\xff\"").is_err());
    }

    #[test]
    fn comments_and_operators() {
        assert_eq!(
            tokens("a /* c */ b // d"),
            Ok(vec![Token::Ident("a"), Token::Ident("b")])
        );
        assert!(tokens("a /* c").is_err());
        assert!(tokens("/*/").is_err());
        assert_eq!(tokens("- + ! ^ & ~ <-").map(|t| t.len()), Ok(7));
        for bad in [
            "--", "-=", "++", "!=", "&&", "&^", "<", "<=", "*", ";", "{", "é", "/", "@",
        ] {
            assert!(tokens(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn line_directives() {
        assert!(tokens("/*line x*/").is_ok());
        assert!(tokens("/*line x:5*/").is_ok());
        assert!(tokens("/*line x:5:7*/").is_ok());
        assert!(tokens("/*line :5:7*/").is_ok());
        assert!(tokens("/*line x:*/").is_err());
        assert!(tokens("/*line x:0*/").is_err());
        assert!(tokens("/*line x:5:0*/").is_err());
        assert!(tokens("/*line x:1073741825*/").is_err());
        assert!(tokens("/*line x:9223372036854775808*/").is_ok()); // wraps negative in Go
        assert!(tokens("/*line x:a:5*/").is_ok()); // "x:a" is the file name
        assert!(tokens("/*line x:5\r*/").is_err());
        assert!(tokens("/*linex:0*/").is_ok()); // not a directive
    }
}
