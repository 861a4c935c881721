//! Settling another contract's typed answer (a message of an `icseth_abi` interface answering
//! `Result<T, E>`): the caller learns the value, the callee's own refusal, or why there is neither.

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
    use parity_scale_codec::Error;

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
