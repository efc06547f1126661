//! Reading one value line: the grammar Go's decoder accepts and the meaning of each literal
//! for each type.
//!
//! Go parses a line as a Go expression and accepts exactly a call with one argument:
//! `T(arg)`, `[]byte(arg)` or `math.Float32frombits(arg)` / `math.Float64frombits(arg)`. The
//! argument may be followed by `...` and by a trailing comma, since Go's parser allows both in
//! any call. The argument is a literal, an identifier (`true`, `false`, `NaN`), or one unary
//! operator applied to a literal or to `Inf`. Then, in our words:
//!
//! - `-` is the only operator allowed before a literal; before `Inf`, `-` gives negative
//!   infinity and any other unary operator (`+ ! ^ & ~ <-`) positive infinity;
//! - `[]byte` and `string` take a string literal (interpreted or raw), never negated;
//! - `bool` takes the identifiers `true` or `false`;
//! - `byte` takes a character literal below 256 or an unsigned integer literal;
//!   `rune` takes a character literal or a signed integer literal;
//! - `intN`/`uintN` take integer literals only (`uint8('A')` is refused); unsigned types
//!   refuse any sign, even `-0`; `int`/`uint` are range-checked as 64-bit;
//! - `float32`/`float64` take float or integer literals, read by `strconv.ParseFloat`
//!   (so `017` is 17, and `0x10` is an error), plus `NaN` and `±Inf`;
//! - `math.Float32frombits`/`math.Float64frombits` take an unsigned integer literal of the
//!   right width and give the float with those bits.

use super::error::DecodeErrorKind;
use super::float_parse::{parse_f32, parse_f64, FloatError};
use super::integer::{signed, unsigned};
use super::lexer::{Lexer, Token};
use super::value::Value;
use super::{GO_NAN_F32_BITS, GO_NAN_F64_BITS};

/// What is being called.
enum Callee<'a> {
    /// `name` or `pkg.name`.
    Name(Option<&'a str>, &'a str),
    /// `[]elem`.
    Slice(&'a str),
}

/// What a value line converts to.
enum Target<'a> {
    /// A type named by an identifier (`int`, `string`, …, or an unsupported name).
    Type(&'a str),
    /// `math.Float32frombits`.
    Float32Bits,
    /// `math.Float64frombits`.
    Float64Bits,
}

/// A unary operator before the argument.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Unary {
    Minus,
    Other,
}

/// The argument as written.
struct Arg<'a> {
    unary: Option<Unary>,
    operand: Token<'a>,
}

type Grammar<T> = Result<T, &'static str>;

fn expect(lx: &mut Lexer<'_>, want: &Token<'_>, what: &'static str) -> Grammar<()> {
    match lx.next_token()? {
        Some(ref t) if t == want => Ok(()),
        _ => Err(what),
    }
}

/// Splits the line into callee and argument, checking Go's grammar for a one-argument call.
fn parse_call<'a>(lx: &mut Lexer<'a>) -> Grammar<(Callee<'a>, Arg<'a>)> {
    let callee = match lx.next_token()? {
        Some(Token::Ident(name)) => {
            let mut next = lx.next_token()?;
            let callee = if next == Some(Token::Period) {
                let Some(Token::Ident(sel)) = lx.next_token()? else {
                    return Err("expected a name after '.'");
                };
                next = lx.next_token()?;
                Callee::Name(Some(name), sel)
            } else {
                Callee::Name(None, name)
            };
            if next != Some(Token::LParen) {
                return Err("expected '(' after the type");
            }
            callee
        }
        Some(Token::LBrack) => {
            expect(lx, &Token::RBrack, "expected ']' after '['")?;
            let Some(Token::Ident(elem)) = lx.next_token()? else {
                return Err("expected an element type after '[]'");
            };
            expect(lx, &Token::LParen, "expected '(' after the type")?;
            Callee::Slice(elem)
        }
        None => return Err("empty expression"),
        Some(_) => return Err("expected a type conversion like int(1)"),
    };

    let mut token = lx.next_token()?;
    let unary = match token {
        Some(Token::Minus) => Some(Unary::Minus),
        Some(Token::OtherUnary) => Some(Unary::Other),
        _ => None,
    };
    if unary.is_some() {
        token = lx.next_token()?;
    }
    let operand = match token {
        Some(
            t @ (Token::Ident(_)
            | Token::Int(_)
            | Token::Float(_)
            | Token::Imag
            | Token::Char(_)
            | Token::Str(_)),
        ) => t,
        _ => return Err("expected one literal argument"),
    };

    let mut token = lx.next_token()?;
    if token == Some(Token::Ellipsis) {
        token = lx.next_token()?;
    }
    if token == Some(Token::Comma) {
        token = lx.next_token()?;
    }
    if token != Some(Token::RParen) {
        return Err("expected ')' after the single argument");
    }
    if lx.next_token()?.is_some() {
        return Err("unexpected text after the closing ')'");
    }
    Ok((callee, Arg { unary, operand }))
}

/// The argument's meaning before the type is considered.
enum Lit {
    /// An integer literal, possibly negated.
    Int(bool, String),
    /// A float literal, possibly negated.
    Float(bool, String),
    /// `Inf` behind a unary operator: negative or not.
    Inf(bool),
    /// The identifier `NaN`.
    NaN,
    /// A character literal (`negated` literals exist only to be refused).
    Char { negated: bool, code: u32 },
    /// A string literal.
    Str { negated: bool, bytes: Vec<u8> },
    /// An imaginary literal (refused by every type).
    Imag,
}

fn classify(arg: Arg<'_>) -> Result<Lit, DecodeErrorKind> {
    let wrong = DecodeErrorKind::WrongLiteral;
    let negated = match arg.unary {
        None => false,
        Some(Unary::Minus) => true,
        Some(Unary::Other) => {
            return match arg.operand {
                Token::Ident("Inf") => Ok(Lit::Inf(false)),
                _ => Err(wrong("'-' is the only operator allowed before a literal")),
            }
        }
    };
    Ok(match arg.operand {
        Token::Ident("Inf") if negated => Lit::Inf(true),
        Token::Ident("NaN") if !negated => Lit::NaN,
        Token::Ident(_) => return Err(wrong("a literal value (or NaN, ±Inf) is required")),
        Token::Int(t) => Lit::Int(negated, t.to_owned()),
        Token::Float(t) => Lit::Float(negated, t.to_owned()),
        Token::Imag => Lit::Imag,
        Token::Char(code) => Lit::Char { negated, code },
        Token::Str(bytes) => Lit::Str { negated, bytes },
        _ => return Err(DecodeErrorKind::Syntax("expected one literal argument")),
    })
}

fn int_value(lit: &Lit, min: i64, max: i64) -> Result<i64, DecodeErrorKind> {
    match lit {
        Lit::Int(neg, text) => signed(*neg, text, min, max).ok_or(DecodeErrorKind::OutOfRange),
        _ => Err(DecodeErrorKind::WrongLiteral(
            "integer literal required for int types",
        )),
    }
}

fn uint_value(lit: &Lit, max: u64) -> Result<u64, DecodeErrorKind> {
    match lit {
        Lit::Int(false, text) => unsigned(text, max).ok_or(DecodeErrorKind::OutOfRange),
        Lit::Int(true, _) => Err(DecodeErrorKind::WrongLiteral(
            "an unsigned value cannot have a sign",
        )),
        _ => Err(DecodeErrorKind::WrongLiteral(
            "integer literal required for uint types",
        )),
    }
}

fn float_error(e: FloatError) -> DecodeErrorKind {
    match e {
        FloatError::Syntax => DecodeErrorKind::WrongLiteral(
            "not a float literal strconv.ParseFloat accepts (hex needs a p exponent; no 0b/0o)",
        ),
        FloatError::Range => DecodeErrorKind::OutOfRange,
    }
}

fn float64_value(lit: &Lit) -> Result<f64, DecodeErrorKind> {
    match lit {
        Lit::Int(neg, text) | Lit::Float(neg, text) => parse_f64(*neg, text).map_err(float_error),
        Lit::Inf(neg) => Ok(if *neg {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        }),
        Lit::NaN => Ok(f64::from_bits(GO_NAN_F64_BITS)),
        _ => Err(DecodeErrorKind::WrongLiteral(
            "float or integer literal required for float types",
        )),
    }
}

fn float32_value(lit: &Lit) -> Result<f32, DecodeErrorKind> {
    match lit {
        Lit::Int(neg, text) | Lit::Float(neg, text) => parse_f32(*neg, text).map_err(float_error),
        Lit::Inf(neg) => Ok(if *neg {
            f32::NEG_INFINITY
        } else {
            f32::INFINITY
        }),
        Lit::NaN => Ok(f32::from_bits(GO_NAN_F32_BITS)),
        _ => Err(DecodeErrorKind::WrongLiteral(
            "float or integer literal required for float types",
        )),
    }
}

/// Decodes one line (already trimmed, not empty) into a value.
pub(crate) fn parse_line(line: &[u8]) -> Result<Value, DecodeErrorKind> {
    let mut lx = Lexer::new(line).map_err(DecodeErrorKind::Syntax)?;
    let (callee, arg) = parse_call(&mut lx).map_err(DecodeErrorKind::Syntax)?;
    let wrong = DecodeErrorKind::WrongLiteral;

    let target = match callee {
        Callee::Slice("byte") => {
            return match (arg.unary, arg.operand) {
                (None, Token::Str(bytes)) => Ok(Value::Bytes(bytes)),
                _ => Err(wrong("string literal required for type []byte")),
            }
        }
        Callee::Slice(_) => return Err(DecodeErrorKind::UnsupportedType),
        Callee::Name(Some("math"), "Float64frombits") => Target::Float64Bits,
        Callee::Name(Some("math"), "Float32frombits") => Target::Float32Bits,
        Callee::Name(Some(_), _) => return Err(DecodeErrorKind::UnsupportedType),
        Callee::Name(None, "bool") => {
            return match (arg.unary, arg.operand) {
                (None, Token::Ident("true")) => Ok(Value::Bool(true)),
                (None, Token::Ident("false")) => Ok(Value::Bool(false)),
                _ => Err(wrong("true or false required for type bool")),
            }
        }
        Callee::Name(None, name) => Target::Type(name),
    };

    let lit = classify(arg)?;
    let out_of_range = DecodeErrorKind::OutOfRange;
    let name = match target {
        Target::Type(name) => name,
        Target::Float32Bits => {
            return match lit {
                Lit::Int(false, _) => {
                    let bits = uint_value(&lit, u32::MAX.into())? as u32;
                    Ok(Value::Float32(f32::from_bits(bits)))
                }
                _ => Err(wrong("integer literal required for math.Float32frombits")),
            }
        }
        Target::Float64Bits => {
            return match lit {
                Lit::Int(false, _) => {
                    Ok(Value::Float64(f64::from_bits(uint_value(&lit, u64::MAX)?)))
                }
                _ => Err(wrong("integer literal required for math.Float64frombits")),
            }
        }
    };
    let value = match name {
        "string" => match lit {
            Lit::Str {
                negated: false,
                bytes,
            } => Value::String(bytes),
            _ => return Err(wrong("string literal required for type string")),
        },
        "byte" => match lit {
            Lit::Char {
                negated: false,
                code,
            } => Value::Byte(u8::try_from(code).map_err(|_| out_of_range)?),
            Lit::Int(..) => Value::Byte(u8::try_from(uint_value(&lit, 0xff)?).unwrap_or(0)),
            _ => return Err(wrong("character or integer literal required for type byte")),
        },
        "rune" => match lit {
            Lit::Char {
                negated: false,
                code,
            } => Value::Rune(i32::try_from(code).map_err(|_| out_of_range)?),
            Lit::Int(..) => Value::Rune(
                i32::try_from(int_value(&lit, i32::MIN.into(), i32::MAX.into())?).unwrap_or(0),
            ),
            _ => return Err(wrong("character or integer literal required for type rune")),
        },
        "int" => Value::Int(int_value(&lit, i64::MIN, i64::MAX)?),
        "int8" => Value::Int8(int_value(&lit, i8::MIN.into(), i8::MAX.into())? as i8),
        "int16" => Value::Int16(int_value(&lit, i16::MIN.into(), i16::MAX.into())? as i16),
        "int32" => Value::Int32(int_value(&lit, i32::MIN.into(), i32::MAX.into())? as i32),
        "int64" => Value::Int64(int_value(&lit, i64::MIN, i64::MAX)?),
        "uint" => Value::Uint(uint_value(&lit, u64::MAX)?),
        "uint8" => Value::Uint8(uint_value(&lit, u8::MAX.into())? as u8),
        "uint16" => Value::Uint16(uint_value(&lit, u16::MAX.into())? as u16),
        "uint32" => Value::Uint32(uint_value(&lit, u32::MAX.into())? as u32),
        "uint64" => Value::Uint64(uint_value(&lit, u64::MAX)?),
        "float32" => Value::Float32(float32_value(&lit)?),
        "float64" => Value::Float64(float64_value(&lit)?),
        _ => return Err(DecodeErrorKind::UnsupportedType),
    };
    Ok(value)
}
