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
}
