//! A generated file → the same file with a fingerprint of its body at the end of its first
//! line, so that a later regeneration can tell a file it wrote from one edited by hand since,
//! and refuse to overwrite or delete the edit.
//!
//! The fingerprint is FNV-1a over the bytes after the first line, written by hand here: it
//! only has to notice an edit, not resist one, and it must give the same value on every
//! platform and toolchain, which `std`'s hasher does not promise.

/// What precedes the fingerprint on the first line.
const MARK: &str = " [fingerprint ";

/// FNV-1a, 64 bits, as 16 hex digits.
fn fnv1a(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// `contents` with the fingerprint of everything after its first line added to that line.
pub fn stamp(contents: &str) -> String {
    let (first, rest) = contents.split_once('\n').unwrap_or((contents, ""));
    format!("{first}{MARK}{}]\n{rest}", fnv1a(rest.as_bytes()))
}

/// Whether a file the generator stamped was changed after it wrote it: its body no longer has
/// the fingerprint its first line records. A file without a fingerprint (written before they
/// existed, or by someone else) is not judged.
pub fn edited_by_hand(contents: &str) -> bool {
    let contents = contents.replace("\r\n", "\n");
    let (first, rest) = contents.split_once('\n').unwrap_or((&contents, ""));
    let Some(recorded) = first.rsplit_once(MARK).and_then(|(_, tail)| tail.strip_suffix(']')) else { return false };
    recorded != fnv1a(rest.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamped_file_is_not_edited_until_its_body_changes() {
        let stamped = stamp("// @generated\nfn main() {}\n");
        assert!(stamped.starts_with("// @generated [fingerprint ") && stamped.ends_with("]\nfn main() {}\n"), "{stamped}");
        assert!(!edited_by_hand(&stamped));
        assert!(!edited_by_hand(&stamped.replace('\n', "\r\n")), "line endings are no edit");
        assert!(edited_by_hand(&stamped.replace("main", "start")));
        assert!(!edited_by_hand("// @generated\nfn main() {}\n"), "no fingerprint, no judgement");
    }

    #[test]
    fn the_fingerprint_is_fnv1a() {
        // The published test vectors of 64-bit FNV-1a.
        assert_eq!(fnv1a(b""), "cbf29ce484222325");
        assert_eq!(fnv1a(b"a"), "af63dc4c8601ec8c");
    }
}
