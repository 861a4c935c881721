//! Decoding another contract's `Result<T, ItsError>` without knowing its error type: the caller
//! learns success (with the value) or refusal (with the raw encoded error, kept for its own error).
use ink::prelude::{vec, vec::Vec};
use parity_scale_codec::{Decode, Error, Input};

/// `Ok(T)`, or `Err` with the callee's encoded error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResult<T>(pub Result<T, Vec<u8>>);

impl<T: Decode> Decode for RawResult<T> {
    fn decode<I: Input>(input: &mut I) -> Result<Self, Error> {
        match input.read_byte()? {
            0 => Ok(RawResult(Ok(T::decode(input)?))),
            1 => {
                let len = input.remaining_len()?.unwrap_or(0);
                let mut raw = vec![0u8; len];
                input.read(&mut raw)?;
                Ok(RawResult(Err(raw)))
            }
            _ => Err("not a Result".into()),
        }
    }
}

/// Why a call to another contract produced no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallRefusal {
    /// The callee returned `Err`; its encoded error.
    Refused(Vec<u8>),
    /// The call itself failed (trap, unknown message, undecodable answer).
    Failed,
}

impl CallRefusal {
    /// The caller's own error: `refused` wraps the callee's encoded error, `failed` is used otherwise.
    pub fn into_error<E>(self, refused: impl FnOnce(Vec<u8>) -> E, failed: E) -> E {
        match self {
            CallRefusal::Refused(raw) => refused(raw),
            CallRefusal::Failed => failed,
        }
    }
}

/// The value of a `try_invoke` whose return type is `RawResult<T>`, or why there is none.
pub fn settle<T, L, X>(answer: Result<Result<RawResult<T>, L>, X>) -> Result<T, CallRefusal> {
    match answer {
        Ok(Ok(RawResult(Ok(value)))) => Ok(value),
        Ok(Ok(RawResult(Err(raw)))) => Err(CallRefusal::Refused(raw)),
        _ => Err(CallRefusal::Failed),
    }
}

/// Why a typed call to another contract (through its `icseth_abi` interface) produced no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypedRefusal<E> {
    /// The callee returned `Err`: its own error.
    Refused(E),
    /// The callee's answer does not decode as this build's interface says (another build).
    Undecodable,
    /// The call itself failed (trap, unknown message, out of gas).
    Failed,
}

impl<E> TypedRefusal<E> {
    /// The caller's own error: `refused` wraps the callee's error, `undecodable` and `failed`
    /// stand for the other two (a caller without a separate variant passes its failure twice).
    pub fn into_error<X>(self, refused: impl FnOnce(E) -> X, undecodable: X, failed: X) -> X {
        match self {
            TypedRefusal::Refused(e) => refused(e),
            TypedRefusal::Undecodable => undecodable,
            TypedRefusal::Failed => failed,
        }
    }
}

/// The value of a typed `try_invoke` (a message answering `Result<T, E>`), or why there is none.
pub fn settle_typed<T, E>(
    answer: Result<ink::MessageResult<Result<T, E>>, ink::env::Error>,
) -> Result<T, TypedRefusal<E>> {
    match answer {
        Ok(Ok(Ok(value))) => Ok(value),
        Ok(Ok(Err(refusal))) => Err(TypedRefusal::Refused(refusal)),
        Err(ink::env::Error::Decode(_)) => Err(TypedRefusal::Undecodable),
        Ok(Err(_)) | Err(_) => Err(TypedRefusal::Failed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parity_scale_codec::Encode;

    #[derive(Encode)]
    enum OtherError {
        _First,
        Second(u32),
    }

    #[test]
    fn decodes_ok_and_keeps_the_raw_error() {
        let ok: Result<u32, OtherError> = Ok(7);
        assert_eq!(
            RawResult::<u32>::decode(&mut &ok.encode()[..]),
            Ok(RawResult(Ok(7)))
        );
        let err: Result<u32, OtherError> = Err(OtherError::Second(9));
        let raw = OtherError::Second(9).encode();
        assert_eq!(
            RawResult::<u32>::decode(&mut &err.encode()[..]),
            Ok(RawResult(Err(raw)))
        );
        assert!(RawResult::<u32>::decode(&mut &[2u8][..]).is_err());
    }

    #[test]
    fn settle_sorts_value_refusal_and_failure() {
        let ok: Result<Result<RawResult<u32>, ()>, ()> = Ok(Ok(RawResult(Ok(7))));
        assert_eq!(settle(ok), Ok(7));
        let refused: Result<Result<RawResult<u32>, ()>, ()> = Ok(Ok(RawResult(Err(vec![1]))));
        assert_eq!(settle(refused), Err(CallRefusal::Refused(vec![1])));
        let lang: Result<Result<RawResult<u32>, ()>, ()> = Ok(Err(()));
        assert_eq!(settle(lang), Err(CallRefusal::Failed));
        let env: Result<Result<RawResult<u32>, ()>, ()> = Err(());
        assert_eq!(settle(env), Err(CallRefusal::Failed));
        assert_eq!(CallRefusal::Refused(vec![2]).into_error(|r| r.len(), 0), 1);
        assert_eq!(CallRefusal::Failed.into_error(|r: Vec<u8>| r.len(), 9), 9);
    }

    #[test]
    fn a_typed_answer_keeps_the_refusal_and_tells_undecodable_from_failed() {
        let refused: Result<ink::MessageResult<Result<u8, u16>>, ink::env::Error> = Ok(Ok(Err(7)));
        assert_eq!(settle_typed(refused), Err(TypedRefusal::Refused(7)));
        assert_eq!(settle_typed::<u8, u16>(Ok(Ok(Ok(3)))), Ok(3));
        let undecodable = ink::env::Error::Decode(Error::from("unknown variant"));
        assert_eq!(
            settle_typed::<u8, u16>(Err(undecodable)),
            Err(TypedRefusal::Undecodable)
        );
        let trapped = Ok(Err(ink::LangError::CouldNotReadInput));
        assert_eq!(settle_typed::<u8, u16>(trapped), Err(TypedRefusal::Failed));
        assert_eq!(
            settle_typed::<u8, u16>(Err(ink::env::Error::BufferTooSmall)),
            Err(TypedRefusal::Failed)
        );
        assert_eq!(TypedRefusal::Refused(7u16).into_error(u32::from, 1, 2), 7);
        assert_eq!(TypedRefusal::<u16>::Undecodable.into_error(u32::from, 1, 2), 1);
        assert_eq!(TypedRefusal::<u16>::Failed.into_error(u32::from, 1, 2), 2);
    }
}
