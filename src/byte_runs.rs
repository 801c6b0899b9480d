//! Runs of bytes of one ASCII class, measured eight bytes at a time.
//!
//! A byte-at-a-time loop over text ends nearly every run with a mispredicted
//! branch, and English is runs of a few to a few dozen bytes. Reading a u64
//! and testing its eight bytes at once with a dozen integer instructions
//! (SWAR, "SIMD within a register") needs no `unsafe` and no target
//! feature. The class of a byte is defined by the module that uses it
//! (`tokenize`: letters and digits; `normalize`: bytes that fold to
//! themselves); this module holds the arithmetic they share.

/// The high bit of every byte.
pub(crate) const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
/// 1 in every byte: `ONES * b` is `b` in every byte.
pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;

/// The high bit of each byte of `low7` set when that byte is in `lo..=hi`
/// (the other bits are garbage). Every byte of `low7` must be below 0x80
/// (`word & !HIGH_BITS`), and `lo <= hi < 0x80`: adding `0x80 - lo` carries
/// into a byte's high bit exactly when the byte is at least `lo`, adding
/// `0x7f - hi` when it is above `hi`, and no sum carries into the next byte.
pub(crate) fn within(low7: u64, lo: u8, hi: u8) -> u64 {
    let at_least_lo = low7 + ONES * u64::from(0x80 - lo);
    let above_hi = low7 + ONES * u64::from(0x7f - hi);
    at_least_lo & !above_hi
}

/// How many bytes at the start of `bytes` are in a class: `members(word)`
/// sets the high bit of each byte of an 8-byte little-endian word that is a
/// member (other bits are ignored), and `is_member` says the same of one
/// byte, for the tail shorter than eight. The two must agree.
pub(crate) fn leading_run(
    bytes: &[u8],
    members: impl Fn(u64) -> u64,
    is_member: impl Fn(u8) -> bool,
) -> usize {
    let mut run = 0;
    while let Some(chunk) = bytes.get(run..run + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        let others = !members(word) & HIGH_BITS;
        if others != 0 {
            // Little-endian: the first byte is the lowest.
            return run + others.trailing_zeros() as usize / 8;
        }
        run += 8;
    }
    run + bytes[run..].iter().take_while(|&&b| is_member(b)).count()
}

/// Checks a run function against its one-byte definition: every byte value
/// at every place of the first two 8-byte words and the tail of `filler`
/// (bytes of the class), so an off-by-one in a range or a lane shows.
#[cfg(test)]
pub(crate) fn assert_run_agrees_with_bytes(
    run: impl Fn(&[u8]) -> usize,
    is_member: impl Fn(u8) -> bool,
    filler: &[u8],
) {
    assert!(filler.len() > 16 && filler.iter().all(|&b| is_member(b)));
    for b in 0..=255u8 {
        for at in 0..filler.len() {
            let mut bytes = filler.to_vec();
            bytes[at] = b;
            let expected = if is_member(b) { filler.len() } else { at };
            assert_eq!(run(&bytes), expected, "byte {b:#04x} at {at}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_marks_exactly_the_bytes_of_the_range() {
        for (lo, hi) in [
            (0x00, 0x7f),
            (0x20, 0x5f),
            (b'a', b'z'),
            (0x0a, 0x0a),
            (0x7f, 0x7f),
        ] {
            for b in 0..0x80u8 {
                // The same byte in every lane, and alone in a lane among zeros.
                for word in [ONES * u64::from(b), u64::from(b) << 24] {
                    let lane = (within(word, lo, hi) >> 24) & 0x80;
                    assert_eq!(
                        lane != 0,
                        (lo..=hi).contains(&b),
                        "{b:#04x} in {lo:#04x}..={hi:#04x}"
                    );
                }
            }
        }
    }
}
