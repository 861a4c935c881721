//! Fixed-point helpers: products of two 18-decimal amounts go through a 256-bit intermediate.
use primitive_types::U256;

/// One whole unit of an 18-decimal amount (1 ETH, 1 icsETH).
pub const ONE: u128 = 1_000_000_000_000_000_000;
/// Basis points in one whole (100%).
pub const BPS: u128 = 10_000;

/// Why a computation could not produce a `u128`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MathError {
    /// The result does not fit in 128 bits (or an intermediate sum overflowed).
    Overflow,
    /// A division by zero was asked for.
    DivisionByZero,
}

fn to_u128(value: U256) -> Result<u128, MathError> {
    if value > U256::from(u128::MAX) {
        return Err(MathError::Overflow);
    }
    Ok(value.low_u128())
}

/// `a * b / d`, rounded down, exact over the full 256-bit product.
pub fn mul_div_down(a: u128, b: u128, d: u128) -> Result<u128, MathError> {
    if d == 0 {
        return Err(MathError::DivisionByZero);
    }
    let product = U256::from(a).full_mul(U256::from(b));
    let quotient = product
        .checked_div(U256::from(d).into())
        .ok_or(MathError::DivisionByZero)?;
    let quotient = U256::try_from(quotient).map_err(|_| MathError::Overflow)?;
    to_u128(quotient)
}

/// `a * b / d`, rounded up (toward the protocol when the caller must hand over at least this).
pub fn mul_div_up(a: u128, b: u128, d: u128) -> Result<u128, MathError> {
    if d == 0 {
        return Err(MathError::DivisionByZero);
    }
    let product = U256::from(a).full_mul(U256::from(b));
    let divisor = U256::from(d).into();
    let quotient = product.checked_div(divisor).ok_or(MathError::DivisionByZero)?;
    let remainder = product.checked_rem(divisor).ok_or(MathError::DivisionByZero)?;
    let quotient = U256::try_from(quotient).map_err(|_| MathError::Overflow)?;
    let rounded = if remainder.is_zero() {
        quotient
    } else {
        quotient.checked_add(U256::one()).ok_or(MathError::Overflow)?
    };
    to_u128(rounded)
}

/// `amount * bps / 10_000`, rounded down.
pub fn bps_of(amount: u128, bps: u128) -> Result<u128, MathError> {
    mul_div_down(amount, bps, BPS)
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn exact_on_products_beyond_128_bits() {
        // 1e30 * 1e30 / 1e30 overflows u128 in the product but not in the result.
        let big = 10u128.pow(30);
        assert_eq!(mul_div_down(big, big, big), Ok(big));
        assert_eq!(mul_div_up(big, big, big), Ok(big));
    }

    #[test]
    fn rounding_directions() {
        assert_eq!(mul_div_down(10, 1, 3), Ok(3));
        assert_eq!(mul_div_up(10, 1, 3), Ok(4));
        assert_eq!(mul_div_up(9, 1, 3), Ok(3));
        assert_eq!(mul_div_down(0, 7, 3), Ok(0));
        assert_eq!(mul_div_up(0, 7, 3), Ok(0));
    }

    #[test]
    fn errors_are_typed() {
        assert_eq!(mul_div_down(1, 1, 0), Err(MathError::DivisionByZero));
        assert_eq!(mul_div_up(1, 1, 0), Err(MathError::DivisionByZero));
        assert_eq!(mul_div_down(u128::MAX, 2, 1), Err(MathError::Overflow));
        assert_eq!(
            mul_div_up(u128::MAX, u128::MAX, u128::MAX - 1),
            Err(MathError::Overflow)
        );
        assert_eq!(mul_div_down(u128::MAX, u128::MAX, u128::MAX), Ok(u128::MAX));
    }

    #[test]
    fn bps() {
        assert_eq!(bps_of(ONE, 50), Ok(ONE / 200));
        assert_eq!(bps_of(199, 50), Ok(0));
        assert_eq!(bps_of(ONE, BPS), Ok(ONE));
    }

    proptest! {
        #[test]
        fn down_and_up_bracket_the_exact_quotient(a in any::<u64>(), b in any::<u64>(), d in 1u64..) {
            let exact = (a as u128) * (b as u128);
            let down = mul_div_down(a as u128, b as u128, d as u128).unwrap();
            let up = mul_div_up(a as u128, b as u128, d as u128).unwrap();
            prop_assert_eq!(down, exact / d as u128);
            prop_assert!(down * d as u128 <= exact);
            prop_assert!(up >= down && up - down <= 1);
            prop_assert_eq!(up == down, exact.is_multiple_of(d as u128));
        }
    }
}
